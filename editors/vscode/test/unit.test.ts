// Unit tests of the pure client logic: settings, server resolution, document selectors.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_SETTINGS,
  LaunchEnvironment,
  LaunchSettings,
  ServerLaunch,
  expandPath,
  isLaunchError,
  makeWhich,
  readSettings,
  resolveServer,
} from "../src/resolve";
import { BAKE_PATTERN, COMPOSE_PATTERN, DOCUMENT_SELECTOR, needsRestart } from "../src/selectors";

const EXT = "/ext";
const LAUNCHER = "/ext/python/launch.py";
const BUNDLED = ["/ext/bundled/libs/msb_lsp/__init__.py", LAUNCHER];

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { default: unknown; enum?: string[] }> };
    languages: { id: string; filenames?: string[]; filenamePatterns?: string[] }[];
    commands: { command: string }[];
  };
  activationEvents: string[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as Manifest;

function environment(overrides: Partial<LaunchEnvironment> & { files?: string[]; onPath?: Record<string, string> } = {}): LaunchEnvironment {
  const files = new Set(overrides.files ?? []);
  const onPath = overrides.onPath ?? {};
  return {
    platform: "linux",
    extensionRoot: EXT,
    workspaceFolder: "/home/dev/project",
    homeDir: "/home/dev",
    env: { VENVS: "/opt/venvs" },
    exists: (p) => files.has(p),
    which: (name) => onPath[name],
    ...overrides,
  };
}

function settings(overrides: Partial<LaunchSettings> = {}): LaunchSettings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

function ok(result: ReturnType<typeof resolveServer>): ServerLaunch {
  if (isLaunchError(result)) {
    assert.fail(`expected a launch, got the error: ${result.error}`);
  }
  return result;
}

function argv(result: ServerLaunch): string[] {
  return [result.command, ...result.args];
}

describe("readSettings", () => {
  it("gives the defaults for missing values", () => {
    assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
  });

  it("ignores mistyped values and trims strings", () => {
    const raw: Record<string, unknown> = { path: 3, interpreter: " /usr/bin/python3 ", importStrategy: "sideways", args: ["--log-level", 7, "DEBUG"] };
    assert.deepEqual(
      readSettings((k) => raw[k]),
      { path: "", interpreter: "/usr/bin/python3", importStrategy: "useBundled", args: ["--log-level", "DEBUG"] },
    );
  });

  it("has the defaults package.json declares", () => {
    const props = manifest.contributes.configuration.properties;
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      assert.deepEqual(props[`msbLsp.server.${key}`]?.default, value, `msbLsp.server.${key}`);
    }
    assert.deepEqual(props["msbLsp.server.importStrategy"]?.enum, ["useBundled", "fromEnvironment"]);
    assert.deepEqual(props["msbLsp.trace.server"]?.enum, ["off", "messages", "verbose"]);
  });
});

describe("resolveServer", () => {
  it("runs msbLsp.server.path before anything else", () => {
    const env = environment({ files: BUNDLED, pythonExtensionCommand: ["/py/bin/python"], onPath: { "msb-lsp": "/usr/bin/msb-lsp" } });
    const result = ok(resolveServer(settings({ path: "~/bin/msb-lsp", interpreter: "/usr/bin/python3", args: ["--log-level", "DEBUG"] }), env));
    assert.equal(result.source, "path");
    assert.deepEqual(argv(result), ["/home/dev/bin/msb-lsp", "--log-level", "DEBUG"]);
  });

  it("runs the bundled copy with the configured interpreter, isolated from site-packages", () => {
    const env = environment({ files: BUNDLED, pythonExtensionCommand: ["/py/bin/python"] });
    const result = ok(resolveServer(settings({ interpreter: "${env:VENVS}/tools/bin/python" }), env));
    assert.equal(result.source, "bundled");
    assert.deepEqual(argv(result), ["/opt/venvs/tools/bin/python", "-I", "-S", LAUNCHER]);
  });

  it("runs the bundled copy with the Python extension's interpreter command", () => {
    const env = environment({ files: BUNDLED, pythonExtensionCommand: ["conda", "run", "-n", "tools", "python"] });
    const result = ok(resolveServer(settings(), env));
    assert.deepEqual(argv(result), ["conda", "run", "-n", "tools", "python", "-I", "-S", LAUNCHER]);
    assert.match(result.description, /Python extension/);
  });

  it("runs the bundled copy with python3 from PATH when nothing else names a Python", () => {
    const env = environment({ files: BUNDLED, onPath: { python3: "/usr/bin/python3" } });
    assert.deepEqual(argv(ok(resolveServer(settings(), env))), ["/usr/bin/python3", "-I", "-S", LAUNCHER]);
  });

  it("says what to do when the bundled copy has no Python to run it", () => {
    const result = resolveServer(settings(), environment({ files: BUNDLED, onPath: { "msb-lsp": "/usr/bin/msb-lsp" } }));
    assert.ok(isLaunchError(result));
    assert.match(result.error, /msbLsp\.server\.interpreter/);
  });

  it("falls back to the environment when the extension carries no bundled copy", () => {
    const env = environment({ files: [LAUNCHER], onPath: { "msb-lsp": "/usr/local/bin/msb-lsp", python3: "/usr/bin/python3" } });
    const result = ok(resolveServer(settings({ importStrategy: "useBundled" }), env));
    assert.equal(result.source, "PATH");
    assert.deepEqual(argv(result), ["/usr/local/bin/msb-lsp"]);
  });

  it("runs `-m msb_lsp` with the configured interpreter from the environment", () => {
    const env = environment({ files: BUNDLED, pythonExtensionCommand: ["/py/bin/python"] });
    const result = ok(resolveServer(settings({ importStrategy: "fromEnvironment", interpreter: ".venv/bin/python", args: ["--stdio"] }), env));
    assert.equal(result.source, "interpreter");
    assert.deepEqual(argv(result), ["/home/dev/project/.venv/bin/python", "-m", "msb_lsp", "--stdio"]);
  });

  it("runs `-m msb_lsp` with the Python extension's interpreter", () => {
    const env = environment({ pythonExtensionCommand: ["/py/bin/python"], onPath: { "msb-lsp": "/usr/bin/msb-lsp" } });
    const result = ok(resolveServer(settings({ importStrategy: "fromEnvironment" }), env));
    assert.equal(result.source, "pythonExtension");
    assert.deepEqual(argv(result), ["/py/bin/python", "-m", "msb_lsp"]);
  });

  it("treats an empty interpreter command from the Python extension as none", () => {
    const env = environment({ pythonExtensionCommand: [], onPath: { "msb-lsp": "/usr/bin/msb-lsp" } });
    assert.equal(ok(resolveServer(settings({ importStrategy: "fromEnvironment" }), env)).source, "PATH");
  });

  it("says how to install or configure msb-lsp when it is nowhere", () => {
    const result = resolveServer(settings({ importStrategy: "fromEnvironment" }), environment({ files: BUNDLED }));
    assert.ok(isLaunchError(result));
    assert.match(result.error, /pip install msb-lsp/);
    assert.match(result.error, /msbLsp\.server\.path/);
  });

  it("quotes arguments with spaces in its description", () => {
    const result = ok(resolveServer(settings({ path: "/opt/my tools/msb-lsp" }), environment()));
    assert.equal(result.command, "/opt/my tools/msb-lsp");
    assert.match(result.description, /^"\/opt\/my tools\/msb-lsp" \(msbLsp\.server\.path\)$/);
  });

  it("builds Windows paths with backslashes", () => {
    const env = environment({
      platform: "win32",
      extensionRoot: "C:\\ext",
      workspaceFolder: "C:\\proj",
      files: ["C:\\ext\\bundled\\libs\\msb_lsp\\__init__.py", "C:\\ext\\python\\launch.py"],
    });
    const result = ok(resolveServer(settings({ interpreter: ".venv\\Scripts\\python.exe" }), env));
    assert.deepEqual(argv(result), ["C:\\proj\\.venv\\Scripts\\python.exe", "-I", "-S", "C:\\ext\\python\\launch.py"]);
  });
});

describe("expandPath", () => {
  const env = environment();
  it("expands home, workspace folder and environment variables", () => {
    assert.equal(expandPath("~", env), "/home/dev");
    assert.equal(expandPath("${userHome}/x", env), "/home/dev/x");
    assert.equal(expandPath("${workspaceFolder}/.venv/bin/python", env), "/home/dev/project/.venv/bin/python");
    assert.equal(expandPath("${env:VENVS}/a", env), "/opt/venvs/a");
    assert.equal(expandPath("${env:UNSET}/a", env), "/a");
  });

  it("takes relative paths from the workspace folder and leaves bare names for PATH", () => {
    assert.equal(expandPath("./tools/msb-lsp", env), "/home/dev/project/tools/msb-lsp");
    assert.equal(expandPath("python3.12", env), "python3.12");
    assert.equal(expandPath("/abs/python", env), "/abs/python");
  });

  it("keeps ${workspaceFolder} when there is no folder", () => {
    assert.equal(expandPath("${workspaceFolder}/x", environment({ workspaceFolder: undefined })), "${workspaceFolder}/x");
  });
});

describe("makeWhich", () => {
  it("searches PATH in order", () => {
    const files = new Set(["/b/msb-lsp", "/c/msb-lsp"]);
    const which = makeWhich("linux", { PATH: "/a:/b:/c" }, (p) => files.has(p));
    assert.equal(which("msb-lsp"), "/b/msb-lsp");
    assert.equal(which("nothing"), undefined);
  });

  it("tries PATHEXT on Windows", () => {
    const files = new Set(["C:\\Py\\python.exe"]);
    const which = makeWhich("win32", { Path: "C:\\Tools;C:\\Py", PATHEXT: ".COM;.EXE" }, (p) => files.has(p));
    assert.equal(which("python"), "C:\\Py\\python.exe");
  });
});

describe("document selectors", () => {
  const matches = (file: string): boolean =>
    DOCUMENT_SELECTOR.some((f) => f.pattern !== undefined && posix.matchesGlob(file, f.pattern));

  it("serve Dockerfiles as files and untitled documents", () => {
    for (const scheme of ["file", "untitled"]) {
      assert.ok(DOCUMENT_SELECTOR.some((f) => f.language === "dockerfile" && f.scheme === scheme), scheme);
    }
  });

  it("serve compose and bake files by name", () => {
    for (const name of ["compose.yaml", "compose.yml", "compose.prod.yaml", "docker-compose.yml", "docker-compose.override.yaml", "docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl"]) {
      assert.ok(matches(`/w/app/${name}`), name);
    }
    for (const name of ["values.yaml", "mycompose.yaml", "compose.txt", "bake.hcl", "main.tf"]) {
      assert.ok(!matches(`/w/app/${name}`), name);
    }
    assert.equal(COMPOSE_PATTERN, "**/{compose,docker-compose}*.{yml,yaml}");
    assert.equal(BAKE_PATTERN, "**/docker-bake*.{hcl,json}");
  });

  it("restart the server only for launcher settings", () => {
    assert.equal(needsRestart((s) => s === "msbLsp.server"), true);
    assert.equal(needsRestart((s) => s === "msbLsp.lint"), false);
  });
});

describe("package.json", () => {
  it("adds Containerfile and Dockerfile name patterns to the dockerfile language", () => {
    const dockerfile = manifest.contributes.languages.find((l) => l.id === "dockerfile");
    assert.ok(dockerfile);
    assert.deepEqual(dockerfile.filenames, ["Containerfile"]);
    for (const pattern of ["Containerfile.*", "*.Dockerfile", "Dockerfile.*"]) {
      assert.ok(dockerfile.filenamePatterns?.includes(pattern), pattern);
    }
  });

  it("contributes the restart and show-output commands", () => {
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      ["msbLsp.restart", "msbLsp.showOutput"],
    );
  });
});
