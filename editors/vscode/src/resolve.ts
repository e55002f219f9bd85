// Which command starts msb-lsp. Pure: no `vscode` import, so it runs under `node --test`
// and the launch-contract test starts exactly what the extension would start.
//
// Order:
//   1. `msbLsp.server.path`: that executable.
//   2. `msbLsp.server.importStrategy` = useBundled and the extension carries bundled/libs:
//      <python> -I -S python/launch.py, where <python> is `msbLsp.server.interpreter`, else
//      the Python extension's interpreter, else python3 (python on Windows) on PATH.
//   3. Otherwise (fromEnvironment, or no bundled copy): `msbLsp.server.interpreter -m msb_lsp`,
//      else the Python extension's interpreter with `-m msb_lsp`, else `msb-lsp` on PATH.

export type ImportStrategy = "useBundled" | "fromEnvironment";

/** The extension's launcher settings, as read from `msbLsp.server.*`. */
export interface LaunchSettings {
  path: string;
  interpreter: string;
  importStrategy: ImportStrategy;
  args: string[];
}

/** Defaults of the launcher settings: the same as in package.json (a unit test checks). */
export const DEFAULT_SETTINGS: LaunchSettings = {
  path: "",
  interpreter: "",
  importStrategy: "useBundled",
  args: [],
};

/** What the resolver may look at; the extension fills it from VS Code and Node. */
export interface LaunchEnvironment {
  platform: string; // process.platform
  extensionRoot: string; // the folder holding package.json and bundled/
  workspaceFolder?: string;
  homeDir: string;
  env: Record<string, string | undefined>;
  /** The Python extension's command for the active interpreter (its execCommand), if any. */
  pythonExtensionCommand?: string[];
  exists(path: string): boolean;
  /** The full path of `name` on PATH, or undefined. */
  which(name: string): string | undefined;
}

export type LaunchSource = "path" | "bundled" | "interpreter" | "pythonExtension" | "PATH";

export interface ServerLaunch {
  command: string;
  args: string[];
  source: LaunchSource;
  /** One line for the output channel: what runs and why. */
  description: string;
}

export interface LaunchError {
  error: string;
}

export const LAUNCHER = ["python", "launch.py"] as const;
export const BUNDLED_PACKAGE = ["bundled", "libs", "msb_lsp", "__init__.py"] as const;

/** Settings from raw configuration values, with defaults for missing or mistyped ones. */
export function readSettings(get: (key: string) => unknown): LaunchSettings {
  const text = (key: keyof LaunchSettings): string => {
    const value = get(key);
    return typeof value === "string" ? value.trim() : (DEFAULT_SETTINGS[key] as string);
  };
  const rawArgs = get("args");
  const strategy = get("importStrategy");
  return {
    path: text("path"),
    interpreter: text("interpreter"),
    importStrategy:
      strategy === "useBundled" || strategy === "fromEnvironment"
        ? strategy
        : DEFAULT_SETTINGS.importStrategy,
    args: Array.isArray(rawArgs) ? rawArgs.filter((a): a is string => typeof a === "string") : [],
  };
}

function joinPath(platform: string, ...parts: string[]): string {
  const sep = platform === "win32" ? "\\" : "/";
  const trimmed = parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") : p.replace(/^[\\/]+|[\\/]+$/g, "")));
  return trimmed.filter((p) => p.length > 0).join(sep);
}

function isAbsolute(platform: string, path: string): boolean {
  if (platform === "win32") {
    return /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith("\\\\") || path.startsWith("/");
  }
  return path.startsWith("/");
}

/**
 * Expand `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a configured path;
 * a relative path that names a folder (contains a separator) is taken from the workspace
 * folder. A bare command name (`python3`) is left for PATH lookup.
 */
export function expandPath(value: string, env: LaunchEnvironment): string {
  let out = value.replace(/\$\{(userHome|workspaceFolder|env:([^}]+))\}/g, (whole, what: string, name?: string) => {
    if (what === "userHome") {
      return env.homeDir;
    }
    if (what === "workspaceFolder") {
      return env.workspaceFolder ?? whole;
    }
    return env.env[name ?? ""] ?? "";
  });
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = env.homeDir + out.slice(1);
  }
  const hasSeparator = /[\\/]/.test(out);
  if (hasSeparator && !isAbsolute(env.platform, out) && env.workspaceFolder !== undefined) {
    out = joinPath(env.platform, env.workspaceFolder, out.replace(/^\.[\\/]/, ""));
  }
  return out;
}

function defaultPython(env: LaunchEnvironment): string | undefined {
  const names = env.platform === "win32" ? ["python", "py"] : ["python3", "python"];
  for (const name of names) {
    const found = env.which(name);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** The bundled launcher, when the extension carries msb-lsp in bundled/libs. */
export function bundledLauncher(env: LaunchEnvironment): string | undefined {
  const pkg = joinPath(env.platform, env.extensionRoot, ...BUNDLED_PACKAGE);
  const launcher = joinPath(env.platform, env.extensionRoot, ...LAUNCHER);
  return env.exists(pkg) && env.exists(launcher) ? launcher : undefined;
}

function quote(parts: string[]): string {
  return parts.map((p) => (/[\s"']/.test(p) ? JSON.stringify(p) : p)).join(" ");
}

function launch(source: LaunchSource, parts: string[], extra: string[], why: string): ServerLaunch {
  const [command, ...args] = parts;
  const all = [...args, ...extra];
  return { command, args: all, source, description: `${quote([command, ...all])} (${why})` };
}

/** The command that starts the server, or why none can be found. */
export function resolveServer(settings: LaunchSettings, env: LaunchEnvironment): ServerLaunch | LaunchError {
  const extra = settings.args;
  if (settings.path !== "") {
    return launch("path", [expandPath(settings.path, env)], extra, "msbLsp.server.path");
  }

  const configured = settings.interpreter !== "" ? [expandPath(settings.interpreter, env)] : undefined;
  const fromPythonExtension =
    env.pythonExtensionCommand !== undefined && env.pythonExtensionCommand.length > 0
      ? env.pythonExtensionCommand
      : undefined;

  if (settings.importStrategy === "useBundled") {
    const launcher = bundledLauncher(env);
    if (launcher !== undefined) {
      // -I: ignore PYTHON* variables and user site-packages; -S: no site-packages at all,
      // so the bundled libraries are the only ones besides the standard library.
      const flags = ["-I", "-S", launcher];
      if (configured !== undefined) {
        return launch("bundled", [...configured, ...flags], extra, "bundled msb-lsp, msbLsp.server.interpreter");
      }
      if (fromPythonExtension !== undefined) {
        return launch("bundled", [...fromPythonExtension, ...flags], extra, "bundled msb-lsp, the Python extension's interpreter");
      }
      const python = defaultPython(env);
      if (python === undefined) {
        return {
          error:
            "msb-lsp needs a Python 3.10+ interpreter to run its bundled copy, and none was found: " +
            "install Python, or set msbLsp.server.interpreter, or msbLsp.server.path to an msb-lsp executable.",
        };
      }
      return launch("bundled", [python, ...flags], extra, "bundled msb-lsp, Python from PATH");
    }
  }

  const moduleArgs = ["-m", "msb_lsp"];
  if (configured !== undefined) {
    return launch("interpreter", [...configured, ...moduleArgs], extra, "msbLsp.server.interpreter");
  }
  if (fromPythonExtension !== undefined) {
    return launch("pythonExtension", [...fromPythonExtension, ...moduleArgs], extra, "the Python extension's interpreter");
  }
  const onPath = env.which("msb-lsp");
  if (onPath !== undefined) {
    return launch("PATH", [onPath], extra, "msb-lsp on PATH");
  }
  return {
    error:
      "msb-lsp was not found: install it (pip install msb-lsp) so that `msb-lsp` is on PATH, or set " +
      "msbLsp.server.interpreter to a Python that has it, or msbLsp.server.path to the executable.",
  };
}

export function isLaunchError(value: ServerLaunch | LaunchError): value is LaunchError {
  return (value as LaunchError).error !== undefined;
}

/** `which` for real use: look a command up in PATH (with PATHEXT on Windows). */
export function makeWhich(
  platform: string,
  env: Record<string, string | undefined>,
  isFile: (path: string) => boolean,
): (name: string) => string | undefined {
  return (name: string) => {
    if (/[\\/]/.test(name)) {
      return isFile(name) ? name : undefined;
    }
    const delimiter = platform === "win32" ? ";" : ":";
    const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter((d) => d.length > 0);
    const exts =
      platform === "win32" ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").map((e) => e.toLowerCase())] : [""];
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = joinPath(platform, dir, name + ext);
        if (isFile(candidate)) {
          return candidate;
        }
      }
    }
    return undefined;
  };
}
