/**
 * The steps that assemble a release, in order (Mix's default `steps: [:assemble]`, spelled out). Adding
 * a step is adding its file under steps/ and one line here.
 */
import type { ReleaseStep } from './run-steps.js';
import { writeConfigStep } from '../steps/write-config.js';
import { resolveBaseBinaryStep } from '../steps/resolve-base-binary.js';
import { bundleStep } from '../steps/bundle.js';
import { copyBesideFilesStep } from '../steps/copy-beside-files.js';
import { bundleLauncherStep } from '../steps/bundle-launcher.js';
import { writeSliceAssetStep } from '../steps/write-slice-asset.js';
import { buildExecutableStep } from '../steps/build-executable.js';
import { renderReleaseFilesStep } from '../steps/render-release-files.js';
import { probeExecutableStep } from '../steps/probe-executable.js';
import { writeCookieStep } from '../steps/write-cookie.js';
import { writeManifestStep } from '../steps/write-manifest.js';
import { writeTarStep } from '../steps/write-tar.js';
import { publishReleaseStep } from '../steps/publish-release.js';
import { nativeAddonsStep } from '../steps/native-addons.js';
import { copyPrivStep } from '../steps/copy-priv.js';
import { copyOverlaysStep } from '../steps/copy-overlays.js';

export const RELEASE_STEPS: readonly ReleaseStep[] = [
  writeConfigStep,
  resolveBaseBinaryStep,
  bundleStep,
  copyBesideFilesStep,
  nativeAddonsStep,
  copyPrivStep,
  copyOverlaysStep,
  writeManifestStep,
  bundleLauncherStep,
  writeSliceAssetStep,
  buildExecutableStep,
  renderReleaseFilesStep,
  probeExecutableStep,
  writeCookieStep,
  publishReleaseStep,
  writeTarStep,
];
