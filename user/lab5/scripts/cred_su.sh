# cred_su.sh: busybox's su and id in the image, as root and as user 1000.
# Passwords (fsimg/root/etc/shadow): root's is "kestrel", user's "user".
# su reads a password from its standard input when that is not a tty.
echo "root: $(id -u) $(id -g)"
su user -c id
echo "su user: $?"
su user -c 'cd; pwd; echo hi > kt-su-file; stat -c "%u %g %a %n" kt-su-file; rm kt-su-file'
echo "as user:"
su user -c 'echo wrong | su root -c id'
echo "su root, wrong password: $?"
su user -c 'echo kestrel | su root -c "id; id -G"'
echo "su root, right password: $?"
su user -c 'echo user | su user -c id'
echo "su user by user: $?"
su user -c 'echo x > /etc/kt-su-no'
echo "write /etc: $?"
su user -c 'cat /etc/shadow'
echo "read shadow: $?"
su user -c 'mkdir /root/kt-no'
echo "mkdir in /root: $?"
su user -c 'chown user /etc/passwd'
echo "chown: $?"
su user -c 'kill -0 1'
echo "kill 1: $?"
