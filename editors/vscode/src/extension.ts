// The VS Code side: find the server (src/resolve.ts), start it with vscode-languageclient,
// restart it when its launcher settings or the Python interpreter change.

import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";
import { isLaunchError, LaunchEnvironment, makeWhich, readSettings, resolveServer } from "./resolve";
import { DOCUMENT_SELECTOR, needsRestart } from "./selectors";

const CLIENT_ID = "msbLsp"; // gives the msbLsp.trace.server setting
const CLIENT_NAME = "msb-lsp";
const PYTHON_EXTENSION = "ms-python.python";

/** The part of the Python extension's API this extension uses (a soft dependency). */
interface PythonExtensionApi {
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<vscode.Uri | undefined>;
  };
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let starting: Promise<void> = Promise.resolve();

function isExecutableFile(path: string): boolean {
  try {
    if (!fs.statSync(path).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(path, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (extension === undefined) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (err) {
    output.appendLine(`The Python extension did not activate: ${String(err)}`);
    return undefined;
  }
}

async function launchEnvironment(context: vscode.ExtensionContext): Promise<LaunchEnvironment> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const api = await pythonExtensionApi();
  const execCommand = api?.settings?.getExecutionDetails(folder?.uri).execCommand;
  return {
    platform: process.platform,
    extensionRoot: context.extensionPath,
    workspaceFolder: folder?.uri.scheme === "file" ? folder.uri.fsPath : undefined,
    homeDir: os.homedir(),
    env: process.env,
    pythonExtensionCommand: execCommand,
    exists: (path) => fs.existsSync(path),
    which: makeWhich(process.platform, process.env, isExecutableFile),
  };
}

function settingsObject(): unknown {
  // A plain JSON copy of the msbLsp section: initializationOptions for the server.
  return JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(CLIENT_ID)));
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(`${CLIENT_ID}.server`);
  const settings = readSettings((key) => config.get(key));
  const resolved = resolveServer(settings, await launchEnvironment(context));
  if (isLaunchError(resolved)) {
    output.appendLine(resolved.error);
    const choice = await vscode.window.showErrorMessage(resolved.error, "Open Settings", "Show Output");
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", `${CLIENT_ID}.server`);
    } else if (choice === "Show Output") {
      output.show();
    }
    return;
  }
  output.appendLine(`Starting ${resolved.description}`);
  const serverOptions: ServerOptions = {
    command: resolved.command,
    args: resolved.args,
    transport: TransportKind.stdio,
    options: { env: process.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: settingsObject(),
    synchronize: { configurationSection: CLIENT_ID },
  };
  const next = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (err) {
    output.appendLine(`msb-lsp did not start: ${String(err)}`);
    void vscode.window.showErrorMessage(`msb-lsp did not start (${resolved.description}): ${String(err)}`);
  }
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current !== undefined) {
    try {
      await current.stop();
    } catch (err) {
      output.appendLine(`Stopping msb-lsp: ${String(err)}`);
    }
  }
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  starting = starting.then(async () => {
    await stop();
    await start(context);
  });
  return starting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("msbLsp.restart", () => restart(context)),
    vscode.commands.registerCommand("msbLsp.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        void restart(context);
      }
    }),
  );
  const api = await pythonExtensionApi();
  const changed = api?.settings?.onDidChangeExecutionDetails;
  if (changed !== undefined) {
    context.subscriptions.push(
      changed(() => {
        const config = vscode.workspace.getConfiguration(`${CLIENT_ID}.server`);
        const settings = readSettings((key) => config.get(key));
        if (settings.path === "" && settings.interpreter === "") {
          void restart(context); // the interpreter in use may be the Python extension's
        }
      }),
    );
  }
  await restart(context);
}

export async function deactivate(): Promise<void> {
  await starting;
  await stop();
}
