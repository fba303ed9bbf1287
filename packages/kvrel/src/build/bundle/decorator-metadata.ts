/**
 * TypeScript's decorator metadata (`emitDecoratorMetadata`): `design:paramtypes` and friends, by which
 * NestJS, TypeORM, class-validator and InversifyJS inject constructor parameters by type. esbuild does
 * not emit it, so a project's file that has decorators and whose tsconfig asks for metadata is compiled
 * with the project's own TypeScript (`transpileModule`, what ts-node does), with the compiler options
 * of the tsconfig that governs it; esbuild bundles the JavaScript, following its inline source map back
 * to the .ts file. Every other file is left to esbuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type * as Ts from 'typescript';
import { UserError } from '../../shared/user-error.js';

type TypeScript = typeof Ts;

/**
 * An `@Name` that starts a decorator, on a line that is not a comment's (JSDoc's `@param`); a false
 * positive costs one transpile, nothing else.
 */
const DECORATOR = /^(?![ \t]*(\*|\/\/|\/\*))[^\n]*?(^|[\s(,;{}[])@[A-Za-z_$]/m;
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;
/** Output locations the project's tsconfig may set; transpileModule returns one string, so they are dropped. */
const UNSET_OPTIONS = ['sourceRoot', 'mapRoot', 'outDir', 'outFile', 'rootDir', 'tsBuildInfoFile'] as const;

interface Governing {
  /** The tsconfig.json that governs the folder, if any. */
  readonly tsconfig: string | undefined;
  /** Its compiler options when they ask for decorator metadata. */
  readonly options: Ts.CompilerOptions | undefined;
}

/**
 * One per build: remembers the tsconfig of each folder and the project's TypeScript, and lists the
 * tsconfig files it read (inputs of the build: a change to one makes the next build anew).
 */
export class DecoratorMetadata {
  private typescript: TypeScript | undefined;
  private readonly byDir = new Map<string, Governing>();
  private readonly byConfig = new Map<string, Ts.CompilerOptions | undefined>();
  readonly tsconfigFiles = new Set<string>();

  /** `root`: the project root, where the project's TypeScript is found. */
  constructor(private readonly root: string) {}

  /** Whether `file` (with this text) needs TypeScript's emit for its decorators. */
  needs(file: string, text: string): boolean {
    if (!TYPESCRIPT_FILE.test(file) || file.endsWith('.d.ts') || file.includes('/node_modules/')) return false;
    if (!DECORATOR.test(text)) return false;
    return this.governing(dirname(file)).options !== undefined;
  }

  /** JavaScript (an ES module) with an inline source map naming `file`, or undefined when it needs nothing. */
  transform(file: string, text: string): string | undefined {
    if (!this.needs(file, text)) return undefined;
    const { tsconfig, options } = this.governing(dirname(file));
    const ts = this.load(tsconfig!);
    const compilerOptions: Ts.CompilerOptions = {
      ...options,
      // esbuild bundles ES modules; it reads the map back to the .ts file and emits the bundle's own.
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      declaration: false,
      declarationMap: false,
      noEmit: false,
      emitDeclarationOnly: false,
      composite: false,
      incremental: false,
    };
    for (const key of UNSET_OPTIONS) delete compilerOptions[key];
    const output = ts.transpileModule(text, { fileName: file, compilerOptions });
    return output.outputText;
  }

  private governing(dir: string): Governing {
    const known = this.byDir.get(dir);
    if (known) return known;
    const candidate = join(dir, 'tsconfig.json');
    let found: Governing;
    if (existsSync(candidate)) found = { tsconfig: candidate, options: this.metadataOptions(candidate) };
    else if (dirname(dir) === dir) found = { tsconfig: undefined, options: undefined };
    else found = this.governing(dirname(dir));
    this.byDir.set(dir, found);
    return found;
  }

  /** The compiler options of `tsconfig` (its `extends` followed) when it asks for decorator metadata. */
  private metadataOptions(tsconfig: string): Ts.CompilerOptions | undefined {
    if (this.byConfig.has(tsconfig)) return this.byConfig.get(tsconfig);
    let options: Ts.CompilerOptions | undefined;
    // Only a tsconfig that mentions the setting (itself or a file it extends) needs TypeScript loaded.
    const read = new Set<string>();
    const mentions = mentionsMetadata(tsconfig, read);
    for (const file of read) this.tsconfigFiles.add(file);
    if (mentions) {
      const ts = this.load(tsconfig);
      const config = ts.readConfigFile(tsconfig, ts.sys.readFile);
      if (config.error) throw configError(ts, tsconfig, config.error);
      // No file listing: only the compiler options matter here.
      const host = { ...ts.sys, readDirectory: () => [] };
      const parsed = ts.parseJsonConfigFileContent(config.config, host, dirname(tsconfig), undefined, tsconfig);
      if (parsed.options.experimentalDecorators && parsed.options.emitDecoratorMetadata) options = parsed.options;
    }
    this.byConfig.set(tsconfig, options);
    return options;
  }

  private load(tsconfig: string): TypeScript {
    if (this.typescript) return this.typescript;
    for (const from of [this.root, dirname(tsconfig)]) {
      try {
        this.typescript = createRequire(join(from, 'package.json'))('typescript') as TypeScript;
        return this.typescript;
      } catch {
        // not installed there: try the next place
      }
    }
    throw new UserError(
      'KVREL_TYPESCRIPT_MISSING',
      `${tsconfig} sets emitDecoratorMetadata, which kvrel compiles with the project's TypeScript: install it (npm install -D typescript)`,
    );
  }
}

/**
 * Whether the tsconfig or one it extends (by relative path, or a package's) says emitDecoratorMetadata;
 * a cheap text test so projects without decorators never load TypeScript.
 */
function mentionsMetadata(tsconfig: string, seen: Set<string>): boolean {
  if (seen.has(tsconfig) || !existsSync(tsconfig)) return false;
  seen.add(tsconfig);
  const text = readFileSync(tsconfig, 'utf8');
  if (text.includes('emitDecoratorMetadata')) return true;
  for (const match of text.matchAll(/"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")/g)) {
    for (const target of match[1]!.matchAll(/"([^"]+)"/g)) {
      const named = target[1]!;
      if (named.startsWith('.')) {
        const path = join(dirname(tsconfig), named);
        if (mentionsMetadata(path.endsWith('.json') ? path : `${path}.json`, seen) || mentionsMetadata(join(path, 'tsconfig.json'), seen)) return true;
      } else {
        // A package's tsconfig (@tsconfig/..., a shared config): let TypeScript read it.
        return true;
      }
    }
  }
  return false;
}

function configError(ts: TypeScript, tsconfig: string, diagnostic: Ts.Diagnostic): UserError {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  return new UserError('KVREL_BUNDLE_FAILED', `${basename(tsconfig)} (${tsconfig}): ${text}`);
}
