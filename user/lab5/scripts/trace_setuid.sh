# trace_setuid.sh (run by the trace-setuid test as the first process,
# root): a user who traces a set-user-ID program gets no privilege from
# it, as Linux refuses it to a ptraced program; root tracing it does.
su user -c 'trace -o /dev/null su -c true root </dev/null' 2>&1
echo "user: $?"
trace -o /dev/null su user -c 'id -u' 2>&1
echo "root: $?"
