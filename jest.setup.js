// Property tests (fast-check) run with a fixed seed so that CI is deterministic; set FC_SEED=random (or a
// number) to explore other inputs locally. A failure prints its seed and counterexample: turn it into a unit
// test before fixing the bug.
import fc from 'fast-check';

const env = process.env.FC_SEED;
if (env !== 'random') fc.configureGlobal({ seed: env === undefined ? 20261129 : Number(env) });
