// Launch contract: start EXACTLY the command the extension would start (resolveServer with
// the real file system and PATH) and speak LSP to it: initialize, open a Dockerfile with a
// stage typo, receive its diagnostics, shutdown, exit.
//
// Python: $MSB_LSP_PYTHON (a virtualenv's python with msb-lsp installed), else the
// repository's .venv (scripts/test.sh creates it). The
// bundled case needs bundled/libs (`npm run bundle-python`; `npm run ci` runs it first).

import assert from "node:assert/strict";
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { DEFAULT_SETTINGS, LaunchEnvironment, LaunchSettings, ServerLaunch, isLaunchError, makeWhich, resolveServer } from "../src/resolve";

const EXTENSION_ROOT = resolve(__dirname, "..", "..");
const REPO = resolve(EXTENSION_ROOT, "..", "..");
const PYTHON =
  process.env.MSB_LSP_PYTHON ??
  (process.platform === "win32" ? join(REPO, ".venv", "Scripts", "python.exe") : join(REPO, ".venv", "bin", "python"));
// The environment of that Python: its msb-lsp executable is the `path` and PATH cases.
const VENV_BIN = dirname(PYTHON);
const TIMEOUT_MS = 30_000;

const DOCKERFILE = [
  "FROM golang:1.22 AS builder",
  "WORKDIR /src",
  "RUN go build -o /out/app .",
  "",
  "FROM alpine:3.20",
  "RUNN echo hi",
  "COPY --from=buidler /out/app /app",
  "",
].join("\n");

const scratch = mkdtempSync(join(tmpdir(), "msb-lsp-contract-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function environment(path: string): LaunchEnvironment {
  const env = { ...process.env, PATH: path };
  return {
    platform: process.platform,
    extensionRoot: EXTENSION_ROOT,
    workspaceFolder: REPO,
    homeDir: homedir(),
    env,
    pythonExtensionCommand: undefined,
    exists: existsSync,
    which: makeWhich(process.platform, env, isFile),
  };
}

type Message = { id?: number; method?: string; params?: unknown; result?: unknown; error?: unknown };

/** A JSON-RPC peer over the server's stdio with Content-Length framing. */
class Session {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly received: Message[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => this.feed(chunk));
    child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString("utf8")));
    this.exited = new Promise((done) => child.on("exit", (code) => done(code)));
  }

  private feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      const header = this.buffer.subarray(0, end).toString("ascii");
      const length = /Content-Length: *(\d+)/i.exec(header);
      assert.ok(length, `bad header from the server: ${header}`);
      const size = Number(length[1]);
      if (this.buffer.length < end + 4 + size) {
        return;
      }
      const body = this.buffer.subarray(end + 4, end + 4 + size).toString("utf8");
      this.buffer = this.buffer.subarray(end + 4 + size);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    this.received.push(message);
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (configuration, registration, progress): answer null.
      this.write({ jsonrpc: "2.0", id: message.id, result: null });
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  private write(message: object): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  waitFor(what: string, match: (m: Message) => boolean): Promise<Message> {
    const seen = this.received.find(match);
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr.join("")}`)),
        TIMEOUT_MS,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async request(method: string, params: unknown): Promise<Message> {
    const id = this.nextId++;
    this.write({ jsonrpc: "2.0", id, method, params });
    const answer = await this.waitFor(`the answer to ${method}`, (m) => m.id === id && m.method === undefined);
    assert.equal(answer.error, undefined, `${method} failed: ${JSON.stringify(answer.error)}`);
    return answer;
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: "2.0", method, params });
  }
}

interface Diagnostic {
  code?: string;
  message: string;
  range: { start: { line: number; character: number } };
}

async function speakLsp(launch: ServerLaunch): Promise<Diagnostic[]> {
  const child = spawn(launch.command, launch.args, {
    env: { ...process.env, MSB_LSP_OFFLINE: "1", MSB_LSP_CACHE_DIR: join(scratch, "cache") },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const session = new Session(child);
  const killer = setTimeout(() => child.kill("SIGKILL"), 2 * TIMEOUT_MS);
  try {
    const init = await session.request("initialize", {
      processId: process.pid,
      clientInfo: { name: "msb-lsp launch contract" },
      rootUri: pathToFileURL(scratch).href,
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
      initializationOptions: { registry: { enabled: false } },
    });
    const info = (init.result as { serverInfo?: { name: string } }).serverInfo;
    assert.equal(info?.name, "msb-lsp");
    session.notify("initialized", {});
    const uri = pathToFileURL(join(scratch, "app", "Dockerfile")).href;
    session.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "dockerfile", version: 1, text: DOCKERFILE },
    });
    const published = await session.waitFor(
      "diagnostics of the Dockerfile",
      (m) => m.method === "textDocument/publishDiagnostics" && (m.params as { uri: string }).uri === uri,
    );
    const diagnostics = (published.params as { diagnostics: Diagnostic[] }).diagnostics;
    await session.request("shutdown", null);
    session.notify("exit", null);
    const code = await session.exited;
    assert.equal(code, 0, `the server exited with ${code}; stderr:\n${session.stderr.join("")}`);
    return diagnostics;
  } finally {
    clearTimeout(killer);
    child.kill();
  }
}

function assertStageTypo(diagnostics: Diagnostic[]): void {
  const typo = diagnostics.find((d) => d.code === "MSB101");
  assert.ok(typo, `no MSB101 among ${JSON.stringify(diagnostics)}`);
  assert.match(typo.message, /builder/);
  assert.deepEqual(typo.range.start, { line: 6, character: "COPY --from=".length });
  assert.ok(
    diagnostics.some((d) => d.code === "MSB001" && d.range.start.line === 5),
    `no MSB001 for RUNN among ${JSON.stringify(diagnostics)}`,
  );
}

function resolved(settings: Partial<LaunchSettings>, path: string): ServerLaunch {
  const result = resolveServer({ ...DEFAULT_SETTINGS, ...settings }, environment(path));
  if (isLaunchError(result)) {
    assert.fail(result.error);
  }
  return result;
}

describe("launch contract", () => {
  it("finds the repository's Python", () => {
    assert.ok(isFile(PYTHON), `${PYTHON} is missing: run scripts/test.sh (it creates .venv) or set MSB_LSP_PYTHON`);
  });

  it("msbLsp.server.interpreter with -m msb_lsp (fromEnvironment)", async () => {
    const launch = resolved({ importStrategy: "fromEnvironment", interpreter: PYTHON }, "");
    assert.equal(launch.source, "interpreter");
    assert.deepEqual(launch.args, ["-m", "msb_lsp"]);
    assertStageTypo(await speakLsp(launch));
  });

  it("the bundled copy, run by the interpreter without site-packages (useBundled)", async () => {
    assert.ok(
      existsSync(join(EXTENSION_ROOT, "bundled", "libs", "msb_lsp", "__init__.py")),
      "bundled/libs has no msb_lsp: run `npm run bundle-python` first",
    );
    const launch = resolved({ interpreter: PYTHON }, "");
    assert.equal(launch.source, "bundled");
    assert.deepEqual(launch.args, ["-I", "-S", join(EXTENSION_ROOT, "python", "launch.py")]);
    assertStageTypo(await speakLsp(launch));
  });

  it("msbLsp.server.path with an extra argument", async () => {
    const exe = join(VENV_BIN, process.platform === "win32" ? "msb-lsp.exe" : "msb-lsp");
    const launch = resolved({ path: exe, args: ["--stdio"] }, "");
    assert.equal(launch.source, "path");
    assertStageTypo(await speakLsp(launch));
  });

  it("msb-lsp on PATH when nothing is configured (fromEnvironment)", async () => {
    const launch = resolved({ importStrategy: "fromEnvironment" }, [VENV_BIN, dirname(process.execPath)].join(delimiter));
    assert.equal(launch.source, "PATH");
    assert.equal(launch.command, join(VENV_BIN, process.platform === "win32" ? "msb-lsp.exe" : "msb-lsp"));
    assertStageTypo(await speakLsp(launch));
  });
});
