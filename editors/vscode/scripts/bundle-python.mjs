// Fill bundled/libs with msb-lsp and its pure-Python dependencies, so the .vsix needs only a
// Python interpreter: the exact versions of python/requirements.txt, then the msb_lsp package
// of this checkout, each with `pip install --target bundled/libs --no-deps`.
//
// Python: $MSB_LSP_PYTHON, else the repository's .venv, else python3 on PATH. pip gets the
// wheels from the package index (or its cache).

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(root, "..", "..");
const libs = join(root, "bundled", "libs");

function python() {
  if (process.env.MSB_LSP_PYTHON) {
    return process.env.MSB_LSP_PYTHON;
  }
  const venv =
    process.platform === "win32" ? join(repo, ".venv", "Scripts", "python.exe") : join(repo, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

function pip(args) {
  const exe = python();
  const all = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", libs, "--no-deps", ...args];
  const run = spawnSync(exe, all, { stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`bundle-python: ${exe} ${all.join(" ")} failed (${run.error ?? `exit ${run.status}`})`);
    process.exit(1);
  }
}

function removePycache(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === "__pycache__") {
        rmSync(path, { recursive: true, force: true });
      } else {
        removePycache(path);
      }
    }
  }
}

rmSync(libs, { recursive: true, force: true });
pip([
  "--implementation",
  "py",
  "--only-binary=:all:",
  "--requirement",
  join(root, "python", "requirements.txt"),
]);
// Console scripts point at the interpreter that ran pip: the launcher replaces them.
rmSync(join(libs, "bin"), { recursive: true, force: true });
// Build msb_lsp from a copy of the sources, so setuptools leaves no build/ in the checkout.
const source = mkdtempSync(join(tmpdir(), "msb-lsp-bundle-"));
try {
  for (const name of ["pyproject.toml", "README.md", "LICENSE"]) {
    cpSync(join(repo, name), join(source, name));
  }
  cpSync(join(repo, "msb_lsp"), join(source, "msb_lsp"), {
    recursive: true,
    filter: (path) => !path.includes("__pycache__") && !path.endsWith(".pyc"),
  });
  pip([source]);
} finally {
  rmSync(source, { recursive: true, force: true });
}
rmSync(join(libs, "bin"), { recursive: true, force: true });
// direct_url.json names the temporary source folder: nothing to ship.
for (const name of readdirSync(libs).filter((n) => n.startsWith("msb_lsp-") && n.endsWith(".dist-info"))) {
  rmSync(join(libs, name, "direct_url.json"), { force: true });
}
removePycache(libs);
if (!existsSync(join(libs, "msb_lsp", "__init__.py"))) {
  console.error("bundle-python: msb_lsp is missing from bundled/libs");
  process.exit(1);
}
console.log(`bundle-python: msb-lsp and ${readdirSync(libs).filter((n) => n.endsWith(".dist-info")).length - 1} dependencies in bundled/libs`);
