/** The version of dev, set by the build from package.json. */
declare const __DEV_VERSION__: string | undefined;

export const VERSION: string = typeof __DEV_VERSION__ === 'string' ? __DEV_VERSION__ : '0.0.0-dev';
