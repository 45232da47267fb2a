// esbuildConfig of the `runtime-sdk` configuration of a Lambda's `build` target: the SDK external,
// loaded from the Lambda runtime. Kept so `npm run bench:lambdas` can re-run the comparison.
import { tsImport } from 'tsx/esm/api';

const { lambdaEsbuildConfig } = await tsImport('./build-options.ts', import.meta.url);
export default lambdaEsbuildConfig('runtime');
