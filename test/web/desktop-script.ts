/**
 * A real Xtigervnc with VncAuth and the gateway in front of it, in the
 * sandbox; the tests' VNC password is secret12.
 */
export const DESKTOP = `mkdir -p "$HOME/.vnc" && echo secret12 | vncpasswd -f > "$HOME/.vnc/passwd" && chmod 600 "$HOME/.vnc/passwd"
  Xtigervnc :1 -localhost -SecurityTypes VncAuth -PasswordFile "$HOME/.vnc/passwd" -geometry 1280x800 >/tmp/x1.log 2>&1 &
  wait_until grep -q 'Listening for VNC connections' /tmp/x1.log
  fixture web-gateway "$HOME/.config/tsvnc" 5901 "$HOME/.vnc/passwd" 5801
  info=$(head -1 "$FOUT")
  field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$info" "$1"; }`;
