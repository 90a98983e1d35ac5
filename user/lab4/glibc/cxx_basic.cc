// cxx_basic: an ordinary dynamically linked C++ program (libstdc++,
// libgcc_s, libm, libc): iostream, std::string, std::vector, std::map,
// std::sort, and exceptions thrown and caught across functions, which
// needs the unwinder to read the program's and libraries' unwind tables
// through the memory the kernel mapped.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Shape {
	virtual ~Shape() = default;
	virtual double area() const = 0;
	virtual std::string name() const = 0;
};

struct Rect : Shape {
	double w, h;
	Rect(double w_, double h_) : w(w_), h(h_) {}
	double area() const override { return w * h; }
	std::string name() const override { return "rect"; }
};

struct Square : Rect {
	explicit Square(double s) : Rect(s, s) {}
	std::string name() const override { return "square"; }
};

int parse(const std::string &s)
{
	size_t used = 0;
	int v = std::stoi(s, &used);        // throws std::invalid_argument
	if (used != s.size())
		throw std::runtime_error("trailing junk in \"" + s + "\"");
	return v;
}

int deep(int n)
{
	if (n == 0)
		throw std::out_of_range("reached the bottom");
	return deep(n - 1) + 1;
}

}  // namespace

int main()
{
	std::vector<std::string> words = { "kestrel", "falcon", "owl", "hawk", "eagle", "owl" };
	std::sort(words.begin(), words.end());
	std::map<std::string, int> count;
	for (const auto &w : words)
		count[w]++;
	std::cout << "sorted:";
	for (const auto &w : words)
		std::cout << ' ' << w;
	std::cout << '\n';
	for (const auto &[w, n] : count)
		std::cout << w << '=' << n << ' ';
	std::cout << '\n';

	std::vector<std::unique_ptr<Shape>> shapes;
	shapes.push_back(std::make_unique<Rect>(2, 3));
	shapes.push_back(std::make_unique<Square>(4));
	for (const auto &s : shapes)
		std::cout << s->name() << " area " << s->area() << '\n';

	for (const char *in : { "42", "x7", "12abc" }) {
		try {
			std::cout << "parse(" << in << ") = " << parse(in) << '\n';
		} catch (const std::invalid_argument &) {
			std::cout << "parse(" << in << "): invalid_argument\n";
		} catch (const std::exception &e) {
			std::cout << "parse(" << in << "): " << e.what() << '\n';
		}
	}
	try {
		deep(50);
	} catch (const std::out_of_range &e) {
		std::cout << "caught 50 frames up: " << e.what() << '\n';
	}

	std::ostringstream os;
	os.precision(5);
	os << 3.14159265 << ' ' << std::hex << 255;
	std::cout << os.str() << std::endl;

	std::string big(1 << 20, 'k');
	big += "!";
	std::cout << "string of " << big.size() << " bytes ends with " << big.back() << std::endl;
	return 0;
}
