/** kvrel's library surface, for releases.config.ts. */
export { defineReleases } from './build/release/define-releases.js';
export type { ReleaseDefinition, ReleasesConfig } from './build/release/define-releases.js';
