// esbuildConfig of every service and strategy `build` target (@nx/esbuild). The options live in
// build-options.ts; tsx loads it because Nx's type stripping cannot follow its `.js` imports of `.ts` files.
import { tsImport } from 'tsx/esm/api';

const { containerEsbuildConfig } = await tsImport('./build-options.ts', import.meta.url);
export default containerEsbuildConfig();
