;;; msb-lsp.el --- msb-lsp for Dockerfiles and compose files with eglot  -*- lexical-binding: t; -*-

;; Keywords: languages, tools, docker
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))

;;; Commentary:

;; Registers msb-lsp (a Dockerfile language server for multi-stage builds and small final
;; images) with eglot:
;;
;; - `dockerfile-mode' (and `dockerfile-ts-mode'): msb-lsp, in place of eglot's default
;;   docker-langserver.
;; - `yaml-mode' (and `yaml-ts-mode'): msb-lsp for compose files (compose*.y(a)ml,
;;   docker-compose*.y(a)ml), `msb-lsp-yaml-fallback' for every other YAML file.
;;
;; Also opens Containerfile and Containerfile.* in `dockerfile-mode'.  Usage:
;;
;;   (add-to-list 'load-path "/path/to/msb-lsp/editors/emacs")
;;   (require 'msb-lsp)
;;   (add-hook 'dockerfile-mode-hook #'eglot-ensure)
;;   (add-hook 'yaml-mode-hook #'msb-lsp-eglot-ensure-compose)

;;; Code:

(require 'eglot)

(defgroup msb-lsp nil
  "The msb-lsp language server with eglot."
  :group 'eglot
  :prefix "msb-lsp-")

(defcustom msb-lsp-command '("msb-lsp")
  "The command that starts msb-lsp: program and arguments.
`pip install msb-lsp' puts `msb-lsp' on PATH; give the full path otherwise."
  :type '(repeat string))

(defcustom msb-lsp-yaml-fallback '("yaml-language-server" "--stdio")
  "The server for YAML files that are not compose files (eglot's default)."
  :type '(repeat string))

(defconst msb-lsp-compose-regexp
  "\\`\\(?:docker-\\)?compose\\(?:\\.[^/]*\\)?\\.ya?ml\\'"
  "File names of compose files: compose.yaml, docker-compose.prod.yml, ...")

(defun msb-lsp-compose-file-p (&optional file)
  "Non-nil when FILE (default: the current buffer's file) is a compose file."
  (let ((name (or file buffer-file-name)))
    (and name (string-match-p msb-lsp-compose-regexp (file-name-nondirectory name)))))

(defun msb-lsp--contact (&optional _interactive)
  "The eglot contact of msb-lsp."
  msb-lsp-command)

(defun msb-lsp--yaml-contact (&optional _interactive)
  "msb-lsp for a compose file, `msb-lsp-yaml-fallback' for other YAML."
  (if (msb-lsp-compose-file-p) msb-lsp-command msb-lsp-yaml-fallback))

(defun msb-lsp-eglot-ensure-compose ()
  "Start eglot in a compose file only (for `yaml-mode-hook')."
  (when (msb-lsp-compose-file-p)
    (eglot-ensure)))

(add-to-list 'eglot-server-programs
             '(((yaml-mode :language-id "yaml") (yaml-ts-mode :language-id "yaml"))
               . msb-lsp--yaml-contact))
(add-to-list 'eglot-server-programs
             '(((dockerfile-mode :language-id "dockerfile")
                (dockerfile-ts-mode :language-id "dockerfile"))
               . msb-lsp--contact))

(add-to-list 'auto-mode-alist '("/Containerfile\\(?:\\.[^/\\]*\\)?\\'" . dockerfile-mode))

(provide 'msb-lsp)
;;; msb-lsp.el ends here
