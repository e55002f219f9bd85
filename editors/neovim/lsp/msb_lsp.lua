-- msb-lsp: a Dockerfile language server for multi-stage builds and small final images.
--
-- Neovim 0.11+: put this folder (editors/neovim) on 'runtimepath', or copy this file to
-- ~/.config/nvim/lsp/msb_lsp.lua, then call vim.lsp.enable('msb_lsp'). Install the server
-- with `pip install msb-lsp` (or set `cmd` to your path). Settings: docs/configuration.md.
-- Compose and bake files need the filetypes set by plugin/msb_lsp.lua.

---@type vim.lsp.Config
return {
  cmd = { 'msb-lsp' },
  filetypes = { 'dockerfile', 'yaml.docker-compose', 'hcl.docker-bake', 'json.docker-bake' },
  root_markers = {
    '.msb-lsp.toml',
    'docker-bake.hcl',
    'compose.yaml',
    'compose.yml',
    'docker-compose.yaml',
    'docker-compose.yml',
    '.git',
  },
  settings = {
    msbLsp = {
      registry = { enabled = true },
      inlayHints = { imageSize = true },
    },
  },
}
