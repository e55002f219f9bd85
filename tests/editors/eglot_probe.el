;;; eglot_probe.el --- drive eglot through editors/emacs/msb-lsp.el  -*- lexical-binding: t; -*-

;; Run by tests/editors/test_emacs.py as `emacs --batch -l tests/editors/eglot_probe.el'
;; (not -Q: Debian activates the elpa packages in site-start).  Environment:
;;   MSB_PROBE_EMACS_DIR  editors/emacs (on load-path; msb-lsp.el is required from it)
;;   MSB_PROBE_PROJECT    the project with Dockerfile, compose.yaml, svc/Dockerfile
;;   MSB_PROBE_SIZE       the text the hover on node:20 must contain
;;   MSB_PROBE_TIMEOUT_MS the whole run's deadline
;; Prints one JSON line on stdout; exits 1 when an expectation fails, 3 on a timeout.

(require 'cl-lib)
(require 'json)
(require 'subr-x)

(defvar probe-result nil "Alist of what the run saw.")
(defvar probe-failures nil)
(defvar probe-diagnostics (make-hash-table :test 'equal) "URI -> LSP diagnostics (vector).")
(defvar probe-budget (/ (string-to-number (or (getenv "MSB_PROBE_TIMEOUT_MS") "30000")) 1000.0))
(defvar probe-start (float-time))

(defun probe-remaining () (max 0.1 (- probe-budget (- (float-time) probe-start))))
(defun probe-set (key value) (setf (alist-get key probe-result) value))
(defun probe-fail (message) (push message probe-failures))

(defun probe-emit-and-exit (code)
  (probe-set 'failures (vconcat (reverse probe-failures)))
  (princ (concat (json-encode probe-result) "\n"))
  (kill-emacs code))

(run-at-time (+ probe-budget 2) nil
             (lambda ()
               (probe-fail (format "timed out after %s s" probe-budget))
               (probe-emit-and-exit 3)))

(defun probe-wait (predicate &optional limit)
  "Let events run until PREDICATE is non-nil or LIMIT (default: the budget) passes."
  (let ((deadline (+ (float-time) (or limit (probe-remaining)))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

;; What an interactive Emacs does at startup and `--batch' skips: activate the installed
;; packages (Debian's elpa-* are on load-path, but their autoloads and auto-mode-alist
;; entries come from this).
(package-activate-all)
(add-to-list 'load-path (getenv "MSB_PROBE_EMACS_DIR"))
(require 'msb-lsp)
(setq eglot-sync-connect 10
      eglot-connect-timeout 20
      eglot-autoshutdown nil)

(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (puthash (plist-get params :uri) (plist-get params :diagnostics)
                         probe-diagnostics))))

(defun probe-uri () (eglot--path-to-uri buffer-file-name))

(defun probe-codes ()
  "The current buffer's diagnostics as alists (code, line, character, message)."
  (cl-loop for d across (or (gethash (probe-uri) probe-diagnostics) [])
           collect (let ((start (plist-get (plist-get d :range) :start)))
                     `((code . ,(plist-get d :code)) (line . ,(plist-get start :line))
                       (col . ,(plist-get start :character)) (message . ,(plist-get d :message))))))

(defun probe-has-code (code &optional line)
  (cl-some (lambda (d) (and (equal (alist-get 'code d) code)
                            (or (null line) (equal (alist-get 'line d) line))))
           (probe-codes)))

(defun probe-open (file)
  "Visit FILE and connect eglot as `eglot-ensure' would; non-nil when it manages it."
  (find-file file)
  (condition-case err
      (unless (eglot-current-server)
        (apply #'eglot (eglot--guess-contact)))
    (error (probe-fail (format "eglot did not start for %s: %s" file err))))
  (probe-wait (lambda () (and (eglot-current-server) eglot--managed-mode))))

(defun probe-goto (line col)
  (goto-char (point-min))
  (forward-line line)
  (move-to-column col))

(defun probe-request (method params)
  (condition-case err
      (jsonrpc-request (eglot-current-server) method params :timeout (probe-remaining))
    (error (probe-fail (format "%s failed: %S" method err)) nil)))

(defun probe-hover-text (contents)
  (cond ((stringp contents) contents)
        ((plist-get contents :value))
        ((vectorp contents)
         (mapconcat (lambda (c) (if (stringp c) c (plist-get c :value))) contents "\n"))))

(defun probe-server-command ()
  (process-command (jsonrpc--process (eglot-current-server))))

;; Diagnostics -------------------------------------------------------------------------------
(let ((project (getenv "MSB_PROBE_PROJECT")))
  (unless (probe-open (expand-file-name "Dockerfile" project))
    (probe-fail "eglot does not manage the Dockerfile")
    (probe-emit-and-exit 1))
  (probe-set 'mode (symbol-name major-mode))
  (probe-set 'command (vconcat (probe-server-command)))
  (probe-set 'language_id (eglot--language-id (eglot-current-server)))
  (probe-set 'root (expand-file-name (project-root (eglot--project (eglot-current-server)))))
  (probe-wait (lambda () (and (probe-has-code "MSB101") (probe-has-code "MSB001"))))
  (probe-set 'diagnostics (vconcat (probe-codes)))
  (unless (probe-has-code "MSB101" 6) (probe-fail "no MSB101 (stage typo) on line 7"))
  (unless (probe-has-code "MSB001" 5) (probe-fail "no MSB001 (unknown instruction) on line 6"))

  ;; Completion after `COPY --from=' in the second stage: typed in, sent as didChange.
  (probe-goto 7 0)
  (insert "COPY --from=\n")
  (probe-goto 7 (length "COPY --from="))
  (eglot--signal-textDocument/didChange)
  (let* ((answer (probe-request :textDocument/completion
                                (append (eglot--TextDocumentPositionParams)
                                        '(:context (:triggerKind 2 :triggerCharacter "=")))))
         (items (if (vectorp answer) answer (plist-get answer :items)))
         (labels (cl-loop for item across (or items []) collect (plist-get item :label))))
    (probe-set 'completion (vconcat labels))
    (unless (member "builder" labels)
      (probe-fail "completion after COPY --from= does not offer the stage builder")))
  (probe-goto 7 0)
  (delete-region (point) (line-beginning-position 2))
  (eglot--signal-textDocument/didChange)

  ;; Hover on node:20.
  (probe-goto 4 (length "FROM no"))
  (let* ((hover (probe-request :textDocument/hover (eglot--TextDocumentPositionParams)))
         (text (and hover (probe-hover-text (plist-get hover :contents)))))
    (probe-set 'hover text)
    (unless (and text (string-search (getenv "MSB_PROBE_SIZE") text))
      (probe-fail (format "the hover on node:20 does not show %s" (getenv "MSB_PROBE_SIZE")))))

  ;; Compose files: yaml-mode, served by msb-lsp; other YAML keeps the fallback server.
  (let ((managed (probe-open (expand-file-name "compose.yaml" project))))
    (probe-set 'compose `((mode . ,(symbol-name major-mode)) (managed . ,(if managed t :json-false))
                          (command . ,(vconcat (and managed (probe-server-command))))))
    (unless (and managed (equal (probe-server-command) msb-lsp-command))
      (probe-fail "compose.yaml is not served by msb-lsp")))
  (with-current-buffer (find-file-noselect (expand-file-name "values.yaml" project))
    (probe-set 'other_yaml_contact (vconcat (nth 3 (eglot--guess-contact)))))

  ;; "Extract builder stage" on a single-stage build, applied with eglot's workspace edits.
  (probe-open (expand-file-name "svc/Dockerfile" project))
  (probe-wait (lambda () (> (length (probe-codes)) 0)))
  (let* ((run-line 3)
         (context (cl-loop for d across (or (gethash (probe-uri) probe-diagnostics) [])
                           when (= run-line (plist-get (plist-get (plist-get d :range) :start) :line))
                           collect d))
         (actions (probe-request
                   :textDocument/codeAction
                   `(:textDocument ,(eglot--TextDocumentIdentifier)
                     :range (:start (:line ,run-line :character 0) :end (:line ,run-line :character 0))
                     :context (:diagnostics ,(vconcat context)))))
         (titles (cl-loop for a across (or actions []) collect (plist-get a :title)))
         (extract (cl-find-if (lambda (a) (string-prefix-p "extract builder stage"
                                                           (downcase (plist-get a :title))))
                              (or actions []))))
    (probe-set 'extract `((offered . ,(if extract t :json-false)) (titles . ,(vconcat titles))))
    (when extract
      (let ((command (plist-get extract :command)))
        (when (plist-get extract :edit)
          (eglot--apply-workspace-edit (plist-get extract :edit)))
        (cond ((stringp command)
               (eglot-execute-command (eglot-current-server) (intern command)
                                      (plist-get extract :arguments)))
              (command
               (eglot-execute-command (eglot-current-server) (intern (plist-get command :command))
                                      (plist-get command :arguments)))))
      (probe-wait (lambda () (save-excursion
                               (goto-char (point-min))
                               (> (how-many "^FROM ") 1))))
      (setf (alist-get 'lines (alist-get 'extract probe-result))
            (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max))
                                   "\n" t))))))

;; Shutdown ----------------------------------------------------------------------------------
(let ((processes (mapcar #'jsonrpc--process
                         (cl-loop for servers being the hash-values of eglot--servers-by-project
                                  append servers))))
  (eglot-shutdown-all)
  (probe-set 'stopped (if (probe-wait (lambda () (not (cl-some #'process-live-p processes))) 10)
                          t :json-false))
  (unless (eq (alist-get 'stopped probe-result) t) (probe-fail "msb-lsp did not stop")))

(probe-emit-and-exit (if probe-failures 1 0))
;;; eglot_probe.el ends here
