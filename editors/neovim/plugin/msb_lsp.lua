-- Filetypes for msb-lsp: Neovim calls compose files `yaml` and bake files `hcl`/`json`.
-- These compound filetypes keep the YAML/HCL/JSON syntax and plugins, and let the msb_lsp
-- config (filetypes in lsp/msb_lsp.lua) attach to them:
--   compose*.y(a)ml, docker-compose*.y(a)ml -> yaml.docker-compose
--   docker-bake*.hcl -> hcl.docker-bake, docker-bake*.json -> json.docker-bake
-- Dockerfile, Dockerfile.*, *.Dockerfile and Containerfile are `dockerfile` already.

if vim.g.loaded_msb_lsp_filetypes then
  return
end
vim.g.loaded_msb_lsp_filetypes = true

local compose = 'yaml.docker-compose'

if vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({
    filename = {
      ['compose.yaml'] = compose,
      ['compose.yml'] = compose,
      ['docker-compose.yaml'] = compose,
      ['docker-compose.yml'] = compose,
      ['docker-bake.hcl'] = 'hcl.docker-bake',
      ['docker-bake.json'] = 'json.docker-bake',
    },
    pattern = {
      ['^compose%..+%.ya?ml$'] = compose,
      ['^docker%-compose%..+%.ya?ml$'] = compose,
      ['^docker%-bake%..+%.hcl$'] = 'hcl.docker-bake',
      ['^docker%-bake%..+%.json$'] = 'json.docker-bake',
    },
  })
else
  -- Neovim 0.7 (vim.filetype.add needs g:do_filetype_lua there): autocommands that run
  -- after the built-in detection and replace its answer.
  local group = vim.api.nvim_create_augroup('msb_lsp_filetypes', { clear = true })
  local function detect(patterns, filetype)
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = patterns,
      callback = function(args)
        vim.api.nvim_buf_set_option(args.buf, 'filetype', filetype)
      end,
    })
  end
  detect({ 'compose.yaml', 'compose.yml', 'compose.*.yaml', 'compose.*.yml' }, compose)
  detect({ 'docker-compose.yaml', 'docker-compose.yml', 'docker-compose.*.yaml', 'docker-compose.*.yml' }, compose)
  detect({ 'docker-bake.hcl', 'docker-bake.*.hcl' }, 'hcl.docker-bake')
  detect({ 'docker-bake.json', 'docker-bake.*.json' }, 'json.docker-bake')
end
