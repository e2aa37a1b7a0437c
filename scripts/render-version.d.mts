/** Types of scripts/render-version.mjs (plain JavaScript so it runs on any Node, before installs). */
export declare const OUTPUT: string;
export declare function renderVersionOf(root?: string): string;
export declare function feedsVersionOf(root?: string): string;
export declare function writeRenderVersion(root?: string): string;
