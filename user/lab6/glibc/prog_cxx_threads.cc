// prog_cxx_threads: the C++ standard library's threads (libstdc++ over
// glibc's pthreads), compared with Linux.
//
// std::thread (join, detach, hardware_concurrency > 0), std::mutex and
// std::lock_guard, std::async with launch::async and deferred,
// std::promise/std::future (a value and an exception crossing threads),
// std::condition_variable (notify_all, wait_for's timeout), std::atomic,
// std::shared_mutex, thread_local objects whose destructors run at each
// thread's exit. Prints verdicts only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

static int failures;

static void check(bool ok, const char *what)
{
	std::printf("%s: %s\n", what, ok ? "ok" : "BAD");
	failures += !ok;
}

// --- thread_local with a constructor and a destructor -------------------

static std::atomic<int> constructed, destructed;

struct PerThread {
	int touched = 0;
	PerThread() { constructed++; }
	~PerThread() { destructed++; }
};

static thread_local PerThread per_thread;

static void threads_and_mutex()
{
	std::mutex m;
	long total = 0;
	std::vector<std::thread> ts;
	for (int i = 0; i < 8; i++)
		ts.emplace_back([&m, &total] {
			for (int k = 0; k < 10000; k++) {
				std::lock_guard<std::mutex> g(m);
				total++;
			}
			per_thread.touched++;
		});
	for (auto &t : ts)
		t.join();
	check(total == 80000, "8 std::threads x 10000 increments under a std::mutex");
	check(constructed == 8 && destructed == 8, "a thread_local object built and destroyed in each of the 8 threads");
	check(std::thread::hardware_concurrency() > 0, "hardware_concurrency is at least 1");

	std::atomic<bool> done{false};
	std::thread d([&done] { per_thread.touched++; done = true; });
	d.detach();
	for (int i = 0; i < 5000 && !done; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	check(done && !d.joinable(), "a detached std::thread ran");
}

static void async_and_futures()
{
	auto sum_to = [](long n) { long s = 0; for (long i = 1; i <= n; i++) s += i; return s; };
	std::vector<std::future<long>> fs;
	for (long n = 1000; n <= 4000; n += 1000)
		fs.push_back(std::async(std::launch::async, sum_to, n));
	long got = 0;
	for (auto &f : fs)
		got += f.get();
	check(got == 500500 + 2001000 + 4501500 + 8002000, "4 std::async(launch::async) results");
	std::thread::id caller = std::this_thread::get_id();
	auto deferred = std::async(std::launch::deferred, [caller] { return std::this_thread::get_id() == caller; });
	check(deferred.get(), "launch::deferred runs in the thread that calls get()");
	auto other = std::async(std::launch::async, [caller] { return std::this_thread::get_id() != caller; });
	check(other.get(), "launch::async runs in another thread");

	std::promise<int> p;
	std::future<int> f = p.get_future();
	std::thread t([&p] {
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
		p.set_value(42);
	});
	check(f.get() == 42, "a std::promise's value reaches the std::future in another thread");
	t.join();

	std::promise<int> pe;
	std::future<int> fe = pe.get_future();
	std::thread te([&pe] { pe.set_exception(std::make_exception_ptr(std::runtime_error("from the thread"))); });
	bool caught = false;
	try {
		fe.get();
	} catch (const std::runtime_error &e) {
		caught = std::string(e.what()) == "from the thread";
	}
	te.join();
	check(caught, "an exception set in a thread is rethrown by future::get");

	std::packaged_task<int(int)> task([](int x) { return x * 3; });
	std::future<int> ft = task.get_future();
	std::thread tt(std::move(task), 14);
	tt.join();
	check(ft.get() == 42, "a std::packaged_task run by a std::thread");
}

static void condition_variables()
{
	std::mutex m;
	std::condition_variable cv;
	int stage = 0, woken = 0;
	std::vector<std::thread> ts;
	for (int i = 0; i < 4; i++)
		ts.emplace_back([&] {
			std::unique_lock<std::mutex> l(m);
			cv.wait(l, [&] { return stage == 1; });
			woken++;
		});
	std::this_thread::sleep_for(std::chrono::milliseconds(10));
	{
		std::lock_guard<std::mutex> g(m);
		stage = 1;
	}
	cv.notify_all();
	for (auto &t : ts)
		t.join();
	check(woken == 4, "notify_all woke the 4 waiters");

	std::unique_lock<std::mutex> l(m);
	auto start = std::chrono::steady_clock::now();
	auto r = cv.wait_for(l, std::chrono::milliseconds(50));
	auto waited = std::chrono::steady_clock::now() - start;
	check(r == std::cv_status::timeout, "wait_for with no notify: cv_status::timeout");
	check(waited >= std::chrono::milliseconds(50), "it waited at least the 50 ms");
	bool pred = cv.wait_for(l, std::chrono::milliseconds(20), [] { return false; });
	check(!pred, "wait_for with a predicate that stays false returns false");
}

static void shared_mutexes()
{
	std::shared_mutex sm;
	std::atomic<int> inside{0}, most{0};
	std::vector<std::thread> ts;
	std::shared_lock<std::shared_mutex> hold(sm);      // readers are let in while main reads
	for (int i = 0; i < 3; i++)
		ts.emplace_back([&] {
			std::shared_lock<std::shared_mutex> r(sm);
			int now = ++inside;
			int seen = most.load();
			while (now > seen && !most.compare_exchange_weak(seen, now))
				;
			std::this_thread::sleep_for(std::chrono::milliseconds(5));
			--inside;
		});
	for (auto &t : ts)
		t.join();
	bool writer_blocked = false;
	std::thread w([&] { writer_blocked = !sm.try_lock(); });
	w.join();
	hold.unlock();
	check(most >= 1 && writer_blocked, "std::shared_mutex: readers share it, a writer cannot get it meanwhile");
	check(sm.try_lock(), "std::shared_mutex: a writer gets it once the readers left");
	sm.unlock();
}

int main()
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	threads_and_mutex();
	async_and_futures();
	condition_variables();
	shared_mutexes();
	return failures ? 1 : 0;
}
