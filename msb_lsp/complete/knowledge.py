"""What completion says about Dockerfile syntax: instructions, flags, mount keys and values,
parser directives and BuildKit's check names, each with a one-line description.

Descriptions are short Markdown (backticks for code); the server strips the backticks for
clients that only show plain text.
"""

from __future__ import annotations

# -- instructions ---------------------------------------------------------------------

# keyword -> (description, snippet body after the keyword, or None for no arguments shape)
INSTRUCTIONS: dict[str, tuple[str, str | None]] = {
    "FROM": (
        "Start a build stage from a base image or an earlier stage.",
        "${1:image} AS ${2:name}",
    ),
    "RUN": ("Run a command in a new layer at build time.", "${1:command}"),
    "COPY": (
        "Copy files from the build context, another stage (`--from`) or an image.",
        "${1:source} ${2:destination}",
    ),
    "ADD": (
        "Add local files, URLs or Git repositories; unpacks local tar archives.",
        "${1:source} ${2:destination}",
    ),
    "ARG": (
        "Declare a build argument (before the first FROM: global, for FROM lines only).",
        "${1:name}",
    ),
    "ENV": (
        "Set an environment variable for later instructions and the container.",
        "${1:name}=${2:value}",
    ),
    "WORKDIR": ("Set the working directory (created if missing).", "${1:/app}"),
    "USER": ("Set the user (and group) for later instructions and the container.", "${1:user}"),
    "EXPOSE": ("Document the ports the container listens on.", "${1:8080}"),
    "LABEL": ("Add metadata to the image.", "${1:key}=${2:value}"),
    "CMD": ("The default command of the container.", '["${1:executable}"]'),
    "ENTRYPOINT": ("The executable the container runs.", '["${1:executable}"]'),
    "VOLUME": ("Declare a mount point for external volumes.", "${1:/data}"),
    "HEALTHCHECK": ("How to check that the container still works.", "CMD ${1:command}"),
    "SHELL": (
        "The shell used by the shell form of RUN, CMD and ENTRYPOINT.",
        '["${1:/bin/sh}", "${2:-c}"]',
    ),
    "STOPSIGNAL": ("The signal that stops the container.", "${1:SIGTERM}"),
    "ONBUILD": (
        "An instruction to run when another build uses this image as its base.",
        "${1:INSTRUCTION}",
    ),
    "MAINTAINER": ("Deprecated: use `LABEL org.opencontainers.image.authors=...`.", None),
}
DEPRECATED_INSTRUCTIONS = frozenset({"MAINTAINER"})
# Instructions BuildKit refuses as ONBUILD triggers (and ONBUILD itself).
NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})

# -- flags ----------------------------------------------------------------------------

FLAG_DOCS: dict[str, str] = {
    "platform": "Platform of the base image, e.g. `$BUILDPLATFORM` for a cross-compiling "
    "build stage.",
    "from": "Copy from an earlier stage (by name or index), an image or a named context.",
    "chown": "Owner (`user:group`, names or IDs) of the copied files.",
    "chmod": "Permissions of the copied files, e.g. `755` or `u=rwX,go=rX`.",
    "link": "Copy into an independent layer, so changing an earlier layer does not invalidate it.",
    "parents": "Keep the parent directories of the sources (needs `docker/dockerfile:1.7` "
    "or later).",
    "exclude": "A path or pattern not to copy (repeatable).",
    "keep-git-dir": "Keep the `.git` directory when adding a Git repository.",
    "checksum": "Verify a remote source, e.g. `sha256:<hex>`.",
    "unpack": "Whether to unpack an archive source (`true` or `false`).",
    "mount": "Mount a cache, a secret, an SSH agent, a tmpfs or files from a stage while "
    "the command runs.",
    "network": "The network of the command: `default`, `none` or `host`.",
    "security": "`insecure` runs the command with extra privileges (needs an entitlement).",
    "device": "Give the command access to a CDI device (experimental).",
    "interval": "Time between two checks (default `30s`).",
    "timeout": "Time a check may take before it counts as failed (default `30s`).",
    "start-period": "Grace time while the container starts (default `0s`).",
    "start-interval": "Time between checks during the start period (default `5s`).",
    "retries": "Failures in a row before the container is unhealthy (default `3`).",
}

PLATFORM_VALUES: tuple[tuple[str, str], ...] = (
    (
        "$BUILDPLATFORM",
        "The platform of the machine that runs the build: build stages that "
        "cross-compile run natively.",
    ),
    ("$TARGETPLATFORM", "The platform the image is built for (the default)."),
    ("linux/amd64", "64-bit x86."),
    ("linux/arm64", "64-bit ARM (Apple silicon, Graviton)."),
    ("linux/arm/v7", "32-bit ARMv7."),
    ("linux/386", "32-bit x86."),
    ("linux/ppc64le", "POWER, little-endian."),
    ("linux/s390x", "IBM Z."),
    ("linux/riscv64", "64-bit RISC-V."),
)
NETWORK_VALUES: dict[str, str] = {
    "default": "The default network of the build.",
    "none": "No network: the command cannot download anything.",
    "host": "The host's network (needs the `network.host` entitlement).",
}
SECURITY_VALUES: dict[str, str] = {
    "sandbox": "The default sandbox.",
    "insecure": "Extra privileges (needs the `security.insecure` entitlement).",
}
BOOLEAN_VALUES = ("true", "false")

# -- RUN --mount ----------------------------------------------------------------------

MOUNT_TYPE_DOCS: dict[str, str] = {
    "cache": "A persistent cache directory (package manager and compiler caches) that never "
    "ends up in the image.",
    "bind": "Files from the build context or another stage, read-only by default, not copied "
    "into the image.",
    "secret": "A secret file or variable, only there while the command runs.",
    "ssh": "Access to the SSH agent (private Git repositories).",
    "tmpfs": "A temporary in-memory directory.",
}
# Aliases BuildKit accepts for a key; completion offers the canonical name.
MOUNT_KEY_ALIASES: dict[str, str] = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "ro": "readonly",
    "rw": "readwrite",
}
# Keys that exclude each other: one of a group present hides the rest.
MOUNT_KEY_GROUPS: tuple[frozenset[str], ...] = (frozenset({"readonly", "readwrite"}),)
MOUNT_FLAG_KEYS = frozenset({"readonly", "readwrite", "required"})  # written bare
MOUNT_KEY_DOCS: dict[str, str] = {
    "type": "The kind of mount: `cache`, `bind`, `secret`, `ssh` or `tmpfs` (default `bind`).",
    "from": "The stage or image to mount from (a stage name; a number is not an index here).",
    "source": "The path to mount, in `from` (default: its root).",
    "target": "Where the mount appears for the command.",
    "readonly": "Mount read-only.",
    "readwrite": "Allow writes (they are thrown away afterwards).",
    "bind-propagation": "Mount propagation of a bind mount.",
    "id": "The cache or secret ID (default: the target path for caches).",
    "sharing": "How concurrent builds share a cache: `shared`, `private` or `locked`.",
    "mode": "File mode of the mount, in octal (e.g. `0755`).",
    "uid": "User ID owning the mount.",
    "gid": "Group ID owning the mount.",
    "required": "Fail the build when the secret or SSH agent is not given.",
    "size": "Size limit of the tmpfs.",
    "env": "Expose the secret as this environment variable instead of a file.",
}
SHARING_DOCS: dict[str, str] = {
    "shared": "Concurrent builds use the cache at the same time (the default).",
    "private": "A concurrent build gets a new, empty cache.",
    "locked": "A concurrent build waits until the cache is free (apt).",
}
# Well-known cache directories: the point of cache mounts is that they are not layers.
CACHE_TARGETS: tuple[tuple[str, str], ...] = (
    ("/root/.cache/pip", "pip"),
    ("/root/.cache/uv", "uv"),
    ("/root/.npm", "npm"),
    ("/usr/local/share/.cache/yarn", "Yarn (classic)"),
    ("/root/.local/share/pnpm/store", "pnpm"),
    ("/go/pkg/mod", "Go modules"),
    ("/root/.cache/go-build", "Go build cache"),
    ("/usr/local/cargo/registry", "Cargo registry"),
    ("/root/.m2", "Maven"),
    ("/root/.gradle", "Gradle"),
    ("/var/cache/apt", "apt packages (use `sharing=locked`)"),
    ("/var/lib/apt", "apt lists (use `sharing=locked`)"),
    ("/var/cache/apk", "apk packages"),
    ("/root/.nuget/packages", "NuGet"),
    ("/root/.composer/cache", "Composer"),
    ("/usr/local/bundle/cache", "Bundler"),
)

# -- other arguments ------------------------------------------------------------------

HEALTHCHECK_TYPES: dict[str, str] = {
    "CMD": "Run this command to check the container.",
    "NONE": "Disable the health check inherited from the base image.",
}
STOP_SIGNALS: dict[str, str] = {
    "SIGTERM": "Ask the process to stop (the default).",
    "SIGINT": "Interrupt, as Ctrl+C does.",
    "SIGQUIT": "Quit (some servers stop gracefully on it, e.g. nginx).",
    "SIGKILL": "Kill at once; the process cannot clean up.",
    "SIGHUP": "Hang up.",
    "SIGWINCH": "Window change (graceful stop for Apache httpd).",
    "SIGUSR1": "User-defined signal 1.",
    "SIGUSR2": "User-defined signal 2.",
}
# Stage names people use, in the order they usually appear in a file.
STAGE_NAMES: tuple[tuple[str, str], ...] = (
    ("base", "Shared setup the other stages start from."),
    ("deps", "Installs dependencies only, so they stay cached while the code changes."),
    ("builder", "Compiles or bundles the application; its tools stay out of the final image."),
    ("build", "Compiles or bundles the application."),
    ("test", "Runs the tests (`docker build --target test`)."),
    ("development", "An image for local development, with the tools."),
    ("production", "The small image that ships."),
    ("runner", "The small image that ships: only the runtime and the built application."),
)
FINAL_STAGE_NAMES = frozenset({"runner", "production"})

# -- parser directives and BuildKit checks ------------------------------------------------

DIRECTIVES: dict[str, str] = {
    "syntax": "The Dockerfile frontend to build with, e.g. `docker/dockerfile:1`.",
    "escape": "The escape and line-continuation character: backslash (default) or backtick.",
    "check": "Configure BuildKit's build checks: `skip=`, `error=`, `experimental=`.",
}
SYNTAX_VALUES: dict[str, str] = {
    "docker/dockerfile:1": "The latest stable Dockerfile syntax (1.x).",
    "docker/dockerfile:1-labs": "The latest syntax with the labs features.",
}
ESCAPE_VALUES: dict[str, str] = {
    "\\": "Backslash (the default).",
    "`": "Backtick: convenient on Windows, where backslashes separate paths.",
}
CHECK_KEYS: dict[str, str] = {
    "skip": "Checks not to run (comma-separated names, or `all`).",
    "error": "`true` turns check warnings into build errors.",
    "experimental": "Experimental checks to run (comma-separated names, or `all`).",
}
# BuildKit's build checks (https://docs.docker.com/reference/build-checks/).
BUILDKIT_CHECKS: dict[str, str] = {
    "ConsistentInstructionCasing": "Instructions should all be upper case or all lower case.",
    "CopyIgnoredFile": "A COPY or ADD source is excluded by .dockerignore.",
    "DuplicateStageName": "Stage names should be unique.",
    "ExposeInvalidFormat": "EXPOSE should not map host ports or give IP addresses.",
    "ExposeProtoCasing": "The protocol in EXPOSE should be lower case.",
    "FromAsCasing": "FROM and AS should use the same casing.",
    "FromPlatformFlagConstDisallowed": "FROM --platform should not be a constant.",
    "InvalidBaseImagePlatform": "The base image is not available for the target platform.",
    "InvalidDefaultArgInFrom": "A global ARG default makes the FROM image invalid.",
    "InvalidDefinitionDescription": "Comments describing stages and ARGs should start "
    "with their name.",
    "JSONArgsRecommended": "Use the JSON form of CMD and ENTRYPOINT so signals reach the process.",
    "LegacyKeyValueFormat": "Use `key=value` instead of the legacy `key value` form.",
    "MaintainerDeprecated": "MAINTAINER is deprecated; use a LABEL.",
    "MultipleInstructionsDisallowed": "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a "
    "stage counts.",
    "NoEmptyContinuation": "Empty lines inside a continuation will become errors.",
    "RedundantTargetPlatform": "`--platform=$TARGETPLATFORM` is the default already.",
    "ReservedStageName": "`scratch` and `context` cannot be stage names.",
    "SecretsUsedInArgOrEnv": "Secrets in ARG or ENV end up in the image; use secret mounts.",
    "StageNameCasing": "Stage names should be lower case.",
    "UndefinedArgInFrom": "FROM uses an ARG that is not declared before it.",
    "UndefinedVar": "A variable is used before it is defined.",
    "WorkdirRelativePath": "A relative WORKDIR depends on the base image's working directory.",
}
EXPERIMENTAL_CHECKS = frozenset({"CopyIgnoredFile", "InvalidDefinitionDescription"})
