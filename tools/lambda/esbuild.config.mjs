// esbuildConfig of every Lambda's `build` target (@nx/esbuild): the SDK bundled. The options live in
// build-options.ts; tsx loads it because Nx's type stripping cannot follow its `.js` imports of `.ts` files.
import { tsImport } from 'tsx/esm/api';

const { lambdaEsbuildConfig } = await tsImport('./build-options.ts', import.meta.url);
export default lambdaEsbuildConfig('bundled');
