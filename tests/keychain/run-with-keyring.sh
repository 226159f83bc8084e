#!/bin/sh
# Runs a command inside a throwaway D-Bus session with an unlocked gnome-keyring (Secret Service),
# with HOME and the XDG dirs in a temp dir, so the real-keychain test never touches the user's keyring.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/home/.config" \
       XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache"
mkdir -p "$HOME/.local/share/keyrings" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS
exec dbus-run-session -- sh -c '
    printf "throwaway" | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
    exec "$@"' sh "$@"
