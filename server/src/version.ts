// The k8s-netmap version, from package.json at build time (esbuild inlines that one field).
import { version } from '../../package.json';

export const VERSION: string = version;
