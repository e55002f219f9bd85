-- Drive a real headless Neovim (0.7 or 0.11) through a shipped msb-lsp setup and print what
-- it saw as one JSON line on stdout; `:cquit 1` when an expectation fails, 3 on a timeout.
--
-- Run by tests/editors/test_neovim.py as
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/editors/nvim_probe.lua'
-- with settings in the environment (0.7 has no script arguments):
--   MSB_PROBE_SETUP     lsp-config (lsp/msb_lsp.lua + vim.lsp.enable) or snippet (a README block)
--   MSB_PROBE_SNIPPET   the Lua file holding the README block (setup = snippet)
--   MSB_PROBE_NVIM_DIR  editors/neovim (put on 'runtimepath'; its plugin/ is sourced)
--   MSB_PROBE_PROJECT   the project folder with Dockerfile, compose.yaml, svc/Dockerfile
--   MSB_PROBE_SIZE      the text the hover on node:20 must contain
--   MSB_PROBE_TIMEOUT_MS  the whole run's deadline (default 30000)

local env = vim.env
local started = vim.loop.hrtime()
local budget_ms = tonumber(env.MSB_PROBE_TIMEOUT_MS or '30000')
local result = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor), failures = {} }

local function remaining()
  return math.max(0, budget_ms - (vim.loop.hrtime() - started) / 1e6)
end

local function emit_and_exit(code)
  io.stdout:write(vim.fn.json_encode(result) .. '\n')
  io.stdout:flush()
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

local function fail(message)
  table.insert(result.failures, message)
end

-- A hang must not block CI: give up with what we have.
vim.defer_fn(function()
  fail('timed out after ' .. budget_ms .. ' ms')
  emit_and_exit(3)
end, budget_ms + 2000)

local function msb_clients(buf)
  local found = {}
  if vim.lsp.get_clients then
    found = vim.lsp.get_clients({ bufnr = buf, name = 'msb_lsp' })
  else
    for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
      if client.name == 'msb_lsp' then
        table.insert(found, client)
      end
    end
  end
  return found
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, { code = code_of(d), line = d.lnum, col = d.col, message = d.message })
  end
  return out
end

local function has_code(buf, code, line)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == code and (line == nil or d.lnum == line) then
      return true
    end
  end
  return false
end

local function lsp_diagnostics(buf, line)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { lnum = line })) do
    local lsp = vim.deepcopy((d.user_data and d.user_data.lsp) or {})
    lsp.range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    }
    lsp.message = d.message
    lsp.code = code_of(d)
    lsp.source = d.source
    lsp.severity = lsp.severity or d.severity
    table.insert(out, lsp)
  end
  return out
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(remaining(), function()
    return #msb_clients(buf) > 0
  end, 20)
  return buf, attached
end

local function request(buf, method, params)
  local answers, err = vim.lsp.buf_request_sync(buf, method, params, remaining())
  if not answers then
    fail(method .. ': ' .. tostring(err))
    return nil
  end
  for id, answer in pairs(answers) do
    local client = vim.lsp.get_client_by_id(id)
    if client and client.name == 'msb_lsp' then
      if answer.err then
        fail(method .. ': ' .. vim.inspect(answer.err))
      end
      return answer.result, client
    end
  end
  return nil
end

local function contents_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == 'string' and c or c.value)
  end
  return table.concat(parts, '\n')
end

-- Set-up ------------------------------------------------------------------------------------
vim.cmd('filetype on')
vim.opt.runtimepath:prepend(env.MSB_PROBE_NVIM_DIR)
vim.cmd('runtime! plugin/msb_lsp.lua')
if env.MSB_PROBE_SETUP == 'lsp-config' then
  vim.lsp.enable('msb_lsp')
else
  dofile(env.MSB_PROBE_SNIPPET)
end

local project = env.MSB_PROBE_PROJECT

-- Diagnostics -------------------------------------------------------------------------------
local buf, attached = open(project .. '/Dockerfile')
result.attached = attached
result.filetype = vim.bo[buf].filetype
if not attached then
  fail('msb_lsp did not attach to the Dockerfile')
  emit_and_exit(1)
end
local client = msb_clients(buf)[1]
result.root_dir = client.config.root_dir
result.cmd = client.config.cmd
vim.wait(remaining(), function()
  return has_code(buf, 'MSB101') and has_code(buf, 'MSB001')
end, 20)
result.diagnostics = codes(buf)
if not has_code(buf, 'MSB101', 6) then
  fail('no MSB101 (stage typo) on line 7')
end
if not has_code(buf, 'MSB001', 5) then
  fail('no MSB001 (unknown instruction) on line 6')
end

-- Completion after `COPY --from=` in the second stage ------------------------------------------
vim.api.nvim_buf_set_lines(buf, 7, 7, false, { 'COPY --from=' })
local completion = request(buf, 'textDocument/completion', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 7, character = #'COPY --from=' },
  context = { triggerKind = 2, triggerCharacter = '=' },
})
local labels = {}
for _, item in ipairs((completion and (completion.items or completion)) or {}) do
  table.insert(labels, item.label)
end
result.completion = labels
if not vim.tbl_contains(labels, 'builder') then
  fail('completion after COPY --from= does not offer the stage builder')
end
vim.api.nvim_buf_set_lines(buf, 7, 8, false, {})

-- Hover on node:20 ---------------------------------------------------------------------------
local hover = request(buf, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 4, character = #'FROM no' },
})
result.hover = hover and contents_text(hover.contents) or nil
if not (result.hover and result.hover:find(env.MSB_PROBE_SIZE, 1, true)) then
  fail('the hover on node:20 does not show ' .. env.MSB_PROBE_SIZE)
end

-- Compose files get yaml.docker-compose and the server -------------------------------------
local compose, compose_attached = open(project .. '/compose.yaml')
result.compose = { filetype = vim.bo[compose].filetype, attached = compose_attached }
if result.compose.filetype ~= 'yaml.docker-compose' or not compose_attached then
  fail('compose.yaml: filetype ' .. result.compose.filetype .. ', attached ' .. tostring(compose_attached))
end

-- "Extract builder stage" on a single-stage build, applied through the editor ----------------
local single = open(project .. '/svc/Dockerfile')
vim.wait(remaining(), function()
  return #vim.diagnostic.get(single) > 0
end, 20)
local run_line = 3
local actions, action_client = request(single, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(single) },
  range = { start = { line = run_line, character = 0 }, ['end'] = { line = run_line, character = 0 } },
  context = { diagnostics = lsp_diagnostics(single, run_line) },
})
local titles, extract = {}, nil
for _, action in ipairs(actions or {}) do
  table.insert(titles, action.title)
  if action.title:lower():find('extract builder stage', 1, true) and extract == nil then
    extract = action
  end
end
result.extract = { offered = extract ~= nil, titles = titles }
if extract ~= nil then
  if extract.edit == nil and extract.data ~= nil then
    extract = request(single, 'codeAction/resolve', extract) or extract
  end
  if extract.edit then
    vim.lsp.util.apply_workspace_edit(extract.edit, action_client.offset_encoding or 'utf-16')
  end
  -- A CodeAction may carry a Command; a bare Command has `command` as a string.
  local command = type(extract.command) == 'string' and extract or extract.command
  if command then
    request(single, 'workspace/executeCommand', { command = command.command, arguments = command.arguments })
  end
  vim.wait(remaining(), function()
    return #vim.fn.filter(vim.api.nvim_buf_get_lines(single, 0, -1, false), 'v:val =~? "^FROM "') > 1
  end, 20)
  result.extract.lines = vim.api.nvim_buf_get_lines(single, 0, -1, false)
end

-- Shutdown ----------------------------------------------------------------------------------
local ids = {}
for _, c in ipairs(msb_clients(buf)) do
  table.insert(ids, c.id)
end
vim.lsp.stop_client(ids)
result.stopped = vim.wait(math.min(remaining(), 10000), function()
  for _, id in ipairs(ids) do
    local c = vim.lsp.get_client_by_id(id)
    if c and not c.is_stopped() then
      return false
    end
  end
  return true
end, 20)
if not result.stopped then
  fail('msb_lsp did not stop')
end

emit_and_exit(#result.failures == 0 and 0 or 1)
