// postject 1.0.0-alpha.6 ships no types; this is the part of dist/api.js that build-sea.ts uses.
declare module 'postject' {
  export interface InjectOptions {
    sentinelFuse?: string;
    machoSegmentName?: string;
    overwrite?: boolean;
  }
  export function inject(filename: string, resourceName: string, resourceData: Buffer, options?: InjectOptions): Promise<void>;
}
