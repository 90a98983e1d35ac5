# prog_http.sh: two unmodified web servers on loopback and busybox's wget
# fetching from them. Debian's `python3 -m http.server` (a
# ThreadingHTTPServer: a thread per connection, blocking sockets) binds
# 127.0.0.1 port 0 and says which port it got; busybox httpd (a process
# forked per connection) then serves the same directory on ::1, CGI
# included. Files are checksummed (md5sum) and compared (cmp) with the
# originals; a redirect, a directory listing, a 404, HEAD (wget --spider)
# and five fetches at once; the python server's log (dates out).
# Compared with Linux. Run as: sh prog_http.sh
export LC_ALL=C
exec 0</dev/null            # the console in the guest, /dev/null on the host

dir=${TMPDIR:-/tmp}/kt-lab8-http
rm -rf "$dir"
mkdir -p "$dir/www/sub" "$dir/www/cgi-bin" "$dir/got"
www=$dir/www
seq 1 300000 > "$www/big.txt"                   # 2 MB, the same on both machines
printf 'hello over loopback\n' > "$www/hello.txt"
echo '<html><body>sub index</body></html>' > "$www/sub/index.html"
for i in 1 2 3 4 5; do seq $i 7 99999 > "$www/part$i.txt"; done
cat > "$www/cgi-bin/env.cgi" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "cgi: $REQUEST_METHOD ${QUERY_STRING:-no query}"
CGI
chmod 755 "$www/cgi-bin/env.cgi"

# wait_for TEST...: polls TEST every 50 ms for at most 20 s.
wait_for() {
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -lt 400 ] || { echo "gave up waiting for: $*"; return 1; }
		sleep 0.05
	done
}

# fetch NAME [FILE]: wget's status, the size and md5sum of what it got,
# and cmp's verdict against FILE (default: NAME).
fetch() {
	rm -f "$dir/got/f"
	wget -q -O "$dir/got/f" "$url/$1"
	s=$?
	if cmp -s "$www/${2:-$1}" "$dir/got/f"; then same="same as the file"; else same="NOT the file"; fi
	echo "GET /$1: wget status $s, $(wc -c < "$dir/got/f") bytes, md5 $(md5sum < "$dir/got/f" | cut -c1-32), $same"
}

# headers NAME: the response's status line and Content-Type/Length
# (wget -S prints them; the date and server version stay out).
headers() {
	wget -S --spider "$url/$1" 2>&1 | grep -iE 'HTTP/|Content-(Type|Length)|wget:' | sed 's/^ *//'
}

# five fetches at once, each file checked.
together() {
	pids=
	for i in 1 2 3 4 5; do
		wget -q -O "$dir/got/part$i" "$url/part$i.txt" &
		pids="$pids $!"
	done
	wait $pids
	for i in 1 2 3 4 5; do cmp -s "$www/part$i.txt" "$dir/got/part$i" && echo "part$i.txt fetched at once with 4 others: same"; done
}

# started: the server said on which port it listens, or it died (it says why).
# -s: the first look may come before the shell has made server.out.
started() {
	grep -qs '^Serving HTTP' "$dir/server.out" && return 0
	kill -0 $server 2>/dev/null && return 1
	cat "$dir/server.log"
	exit 1
}

echo "-- python3 -m http.server"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$www" > "$dir/server.out" 2> "$dir/server.log" &
server=$!
wait_for started || exit 1
port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\) .*/\1/p' "$dir/server.out")
sed 's/[0-9][0-9]*/N/g' "$dir/server.out"
url=http://127.0.0.1:$port
fetch hello.txt
fetch big.txt
fetch sub/index.html
fetch sub sub/index.html                        # a 301 to sub/, which wget follows
wget -q -O - "$url/" | grep -o 'href="[^"]*"'   # the directory listing
wget -q -O - "$url/missing.txt"
echo "GET /missing.txt: wget status $?"
headers big.txt
headers missing.txt
together
kill $server
wait $server 2>/dev/null     # (not its "Terminated": printed or not, as timing goes)
echo "server killed: status $?"
# its log, one line per request: client, request and status (dates out)
sed -n 's/^127\.0\.0\.1 - - \[[^]]*\] "\(.*\)" \([0-9]*\) .*/"\1" \2/p' "$dir/server.log" | sort

echo "-- busybox httpd on ::1, on a port found free there"
# Not the same number as the first server's: on the host, another test
# may hold it on ::1 (an ephemeral port of one of its connections).
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])')
busybox httpd -f -p "[::1]:$port" -h "$www" &
server=$!
url="http://[::1]:$port"
wait_for wget -q -O /dev/null "$url/hello.txt" 2>/dev/null || exit 1
fetch hello.txt
fetch big.txt
fetch sub/ sub/index.html
wget -q -O - "$url/missing.txt"
echo "GET /missing.txt: wget status $?"
headers big.txt
wget -q -O - "$url/cgi-bin/env.cgi?a=1"
echo "a CGI script: wget status $?"
together
kill $server
wait $server 2>/dev/null     # (not its "Terminated": printed or not, as timing goes)
echo "httpd killed: status $?"
rm -rf "$dir"
