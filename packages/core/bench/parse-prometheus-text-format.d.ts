// Types for the untyped comparison parser used by the benches (its package ships no declarations).
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
