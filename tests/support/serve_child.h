// `agritrace serve` (or anything that prints "listening on port N") as a child process, for the
// end-to-end tests of the real binary.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

extern char** environ;

namespace agritrace::testing {

// `agritrace serve` as a child: started with argv, its port read from what it prints, stopped
// with SIGTERM.
class ServeChild {
 public:
  explicit ServeChild(const std::vector<std::string>& argv) {
    int err_pipe[2];
    REQUIRE(pipe(err_pipe) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, err_pipe[1]);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(err_pipe[1]);
    err_fd_ = err_pipe[0];
    REQUIRE(rc == 0);
    // Read until it says where it listens, or ends (EOF).
    const std::regex listening(R"(listening on port (\d+))");
    std::smatch m;
    char buf[4096];
    while (!std::regex_search(err_, m, listening)) {
      ssize_t n = read(err_fd_, buf, sizeof buf);
      if (n <= 0) break;
      err_.append(buf, static_cast<size_t>(n));
    }
    if (std::regex_search(err_, m, listening)) port_ = std::stoi(m[1]);
  }
  ~ServeChild() { Stop(); }

  int port() const { return port_; }
  const std::string& err() const { return err_; }

  // SIGTERM (or `signal`), then its exit code; the rest of what it printed is in err().
  int Stop(int signal = SIGTERM) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, signal);
    char buf[4096];
    for (ssize_t n; (n = read(err_fd_, buf, sizeof buf)) > 0;) err_.append(buf, n);
    close(err_fd_);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  int port_ = -1;
  int exit_code_ = -1;
  std::string err_;
};

}  // namespace agritrace::testing
