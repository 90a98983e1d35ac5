# lock_sqlite.sh: Debian's sqlite3 on a database file, in ./kt-sqlite (ext2
# in the guest) and $TMPDIR/kt-sqlite (tmpfs): create, insert, select, a
# transaction (rollback journal, which takes fcntl locks on the database),
# WAL mode (locks on the -shm file, which it maps shared), and a second
# process told "database is locked" while the first (fed through a pipe)
# holds an exclusive transaction. Run as: sh lock_sqlite.sh
export LC_ALL=C
exec 3>&1
for where in "the root fs" tmp; do
	dir=kt-sqlite
	[ "$where" = tmp ] && dir=${TMPDIR:-/tmp}/kt-sqlite
	rm -rf "$dir"
	mkdir -p "$dir"
	db=$dir/test.db
	echo "-- in $where"
	sqlite3 "$db" "create table t(id integer primary key, name text, n real);
		insert into t(name, n) values ('alpha', 1.5), ('beta', 2.25), ('gamma', -3);
		select * from t;"
	echo "status $?"
	sqlite3 "$db" "begin; update t set name = upper(name) where n > 0; commit;
		select id, name, n * 2 from t order by id;
		pragma integrity_check;"
	echo "status $?"
	sqlite3 "$db" "begin; delete from t; rollback; select count(*) from t;"
	echo "-- WAL"
	sqlite3 "$db" "pragma journal_mode = wal; insert into t(name, n) values ('delta', 4);
		select name from t order by id; pragma wal_checkpoint(truncate);"
	echo "status $?"
	sqlite3 "$db" "pragma journal_mode = delete; select count(*) from t;"
	echo "-- a second process while the first holds an exclusive transaction"
	# The first sqlite3 reads its statements from the pipe: while it holds
	# the transaction, the feeding shell runs the second one (its output
	# on fd 3, the script's stdout). No background job: a plain pipeline.
	{
		echo "begin exclusive; insert into t(name, n) values ('held', 0);"
		sleep 1
		sqlite3 "$db" "select count(*) from t;" >&3 2>&3
		echo "status $?" >&3
		echo "commit;"
	} | sqlite3 "$db"
	sqlite3 "$db" "select name from t order by id;"
	ls "$dir" | sort
	rm -rf "$dir"
done
