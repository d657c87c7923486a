#include "labeler/printer_connection.h"

#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace agritrace::labeler {
namespace {

constexpr int kPollSliceMs = 200;  // how often a wait looks at `stop`

Status BadAddress(const std::string& text, const std::string& why_zh, const std::string& why_en) {
  return Status::Invalid(
             "打印机地址「" + text + "」不对：" + why_zh +
                 "。网络打印机写 tcp://IP地址[:端口]（默认 9100），USB 打印机写设备路径，"
                 "如 /dev/usb/lp0",
             "printer '" + text + "' is wrong: " + why_en +
                 ". Write tcp://ADDRESS[:PORT] for a network printer (port 9100 by "
                 "default) or a device path such as /dev/usb/lp0 for a USB one")
      .with_reason("printer-address");
}

bool HostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string PrinterAddress::Text() const {
  if (kind == Kind::kDevice) return "device:" + path;
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<PrinterAddress> ParsePrinterAddress(const std::string& text) {
  if (text.empty()) return BadAddress(text, "是空的", "it is empty");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f || c == ' ')
      return BadAddress(text, "含有空格或控制字符", "it holds spaces or control characters");
  PrinterAddress a;
  const size_t scheme = text.find("://");
  if (scheme == std::string::npos) {
    a.kind = PrinterAddress::Kind::kDevice;
    a.path = text;
    return a;
  }
  if (text.compare(0, scheme, "tcp") != 0)
    return BadAddress(text, "只支持 tcp:// 网络地址或设备路径",
                      "only tcp:// addresses or device paths are taken");
  std::string rest = text.substr(scheme + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return BadAddress(text, "缺少 ]", "a ] is missing");
    a.host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return BadAddress(text, "] 后应是 :端口", "] must be followed by :PORT");
      port = after.substr(1);
      if (port.empty()) return BadAddress(text, "端口是空的", "the port is empty");
    }
    if (a.host.empty()) return BadAddress(text, "没有主机地址", "there is no host");
    for (char c : a.host)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
        return BadAddress(text, "IPv6 地址含有非法字符", "the IPv6 address holds a bad character");
  } else {
    const size_t colon = rest.rfind(':');
    a.host = rest.substr(0, colon);
    if (colon != std::string::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return BadAddress(text, "端口是空的", "the port is empty");
    }
    if (a.host.empty()) return BadAddress(text, "没有主机地址", "there is no host");
    if (a.host.size() > 253) return BadAddress(text, "主机名太长", "the host name is too long");
    for (char c : a.host)
      if (!HostChar(c))
        return BadAddress(text, "主机名含有非法字符", "the host name holds a bad character");
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
      return BadAddress(text, "端口应为 1 到 65535 的数字", "the port must be a number 1 to 65535");
    a.port = std::stoi(port);
    if (a.port < 1 || a.port > 65535)
      return BadAddress(text, "端口应为 1 到 65535 的数字", "the port must be a number 1 to 65535");
  }
  return a;
}

PrinterConnection::PrinterConnection(int fd, PrinterAddress address, int timeout_seconds,
                                     std::function<bool()> stop)
    : fd_(fd),
      address_(std::move(address)),
      timeout_ms_(std::max(1, timeout_seconds) * 1000),
      stop_(std::move(stop)) {}

PrinterConnection::~PrinterConnection() {
  if (fd_ >= 0) close(fd_);
}

Result<std::unique_ptr<PrinterConnection>> PrinterConnection::Open(const PrinterAddress& address,
                                                                   int timeout_seconds,
                                                                   std::function<bool()> stop) {
  const std::string where =
      address.kind == PrinterAddress::Kind::kTcp ? address.Text().substr(6) : address.path;
  auto unreachable = [&](const std::string& zh, const std::string& en) -> Status {
    return Status::Io("连不上打印机 " + where + "：" + zh + "；未打印任何标签，也未记录打印任务",
                      "cannot reach the printer " + where + ": " + en +
                          "; no label was printed and no print run recorded")
        .with_reason("printer-unreachable");
  };
  if (address.kind == PrinterAddress::Kind::kDevice) {
    struct stat st {};
    if (stat(address.path.c_str(), &st) != 0)
      return BadAddress(address.path, "没有这个设备或文件（" + std::string(strerror(errno)) + "）",
                        "there is no such device or file (" + std::string(strerror(errno)) + ")");
    if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode))
      return BadAddress(address.path, "不是设备、管道或文件", "it is no device, FIFO or file");
    int fd = open(address.path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                                            (S_ISREG(st.st_mode) ? O_APPEND : 0));
    if (fd < 0) {
      const int e = errno;
      if (e == ENXIO)
        return unreachable("设备未就绪（打印机未开机或没有读取方）",
                           "the device is not ready (printer off, or no reader)");
      return unreachable(strerror(e), strerror(e));
    }
    return std::unique_ptr<PrinterConnection>(
        new PrinterConnection(fd, address, timeout_seconds, std::move(stop)));
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return unreachable(std::string("找不到这个地址（") + gai_strerror(rc) + "）",
                       std::string("the address does not resolve (") + gai_strerror(rc) + ")");
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string last_error = "no address";
  const int timeout_ms = std::max(1, timeout_seconds) * 1000;
  for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = strerror(errno);
      continue;
    }
    // A small send buffer keeps what is queued, and so the uncertain window, small.
    int sndbuf = 64 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const int64_t deadline = NowMs() + timeout_ms;
      rc = -1;
      errno = ETIMEDOUT;
      for (;;) {
        if (stop && stop()) {
          errno = ECANCELED;
          break;
        }
        const int64_t left = deadline - NowMs();
        if (left <= 0) {
          errno = ETIMEDOUT;
          break;
        }
        pollfd p{fd, POLLOUT, 0};
        int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, kPollSliceMs)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) rc = 0;
        errno = err;
        break;
      }
    }
    if (rc == 0)
      return std::unique_ptr<PrinterConnection>(
          new PrinterConnection(fd, address, timeout_seconds, std::move(stop)));
    last_error = strerror(errno);
    close(fd);
  }
  return unreachable(last_error + "（请检查打印机 IP、端口、电源和网线）",
                     last_error + " (check the printer's address, port, power and cable)");
}

Status PrinterConnection::Failure(const std::string& zh, const std::string& en,
                                  const char* reason) const {
  return Status::Io(zh, en).with_reason(reason);
}

Status PrinterConnection::WaitWritable() {
  const int64_t deadline = NowMs() + timeout_ms_;
  for (;;) {
    if (stop_ && stop_()) return Failure("已按要求停止", "stopped as asked", "printer-stopped");
    const int64_t left = deadline - NowMs();
    if (left <= 0)
      return Failure(
          "打印机 " + std::to_string(timeout_ms_ / 1000) + " 秒没有接收数据（缺纸、卡纸或离线？）",
          "the printer took no data for " + std::to_string(timeout_ms_ / 1000) +
              " s (out of paper, jammed or offline?)",
          "printer-timeout");
    pollfd p{fd_, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, kPollSliceMs)));
    if (n < 0 && errno != EINTR)
      return Failure(std::string("等待打印机失败：") + strerror(errno),
                     std::string("waiting for the printer failed: ") + strerror(errno),
                     "printer-failed");
    if (n > 0) return Status::Ok();  // writable, or an error the write will report
  }
}

Status PrinterConnection::Send(std::string_view bytes) {
  const bool tcp = address_.kind == PrinterAddress::Kind::kTcp;
  while (!bytes.empty()) {
    const size_t n = std::min(bytes.size(), kChunkBytes);
    ssize_t w = tcp ? send(fd_, bytes.data(), n, MSG_NOSIGNAL) : write(fd_, bytes.data(), n);
    if (w > 0) {
      before_last_write_ = written_;
      written_ += static_cast<uint64_t>(w);
      bytes.remove_prefix(static_cast<size_t>(w));
      Confirmed();
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Status s = WaitWritable(); !s.ok()) return s;
      continue;
    }
    const std::string why = w == 0 ? std::string("no progress") : strerror(errno);
    return Failure("打印机连接中断（" + why + "）", "the printer connection failed (" + why + ")",
                   "printer-failed");
  }
  return Status::Ok();
}

uint64_t PrinterConnection::Confirmed() {
  if (drained_) return confirmed_ = written_;
  uint64_t now = 0;
  if (address_.kind == PrinterAddress::Kind::kTcp) {
    int queued = 0;
    if (fd_ >= 0 && ioctl(fd_, SIOCOUTQ, &queued) == 0 && queued >= 0) {
      now = written_ - std::min<uint64_t>(written_, static_cast<uint64_t>(queued));
    } else {
      // Unanswerable: whatever is unacknowledged fits in the send buffer.
      int sndbuf = 0;
      socklen_t len = sizeof sndbuf;
      if (fd_ < 0 || getsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) != 0) sndbuf = 1 << 30;
      now = written_ - std::min<uint64_t>(written_, static_cast<uint64_t>(std::max(sndbuf, 0)));
    }
  } else {
    now = before_last_write_;
  }
  confirmed_ = std::max(confirmed_, std::min(now, written_));
  return confirmed_;
}

Status PrinterConnection::Drain() {
  if (address_.kind == PrinterAddress::Kind::kDevice) {
    if (fsync(fd_) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP)
      return Failure(std::string("打印机设备报告错误：") + strerror(errno),
                     std::string("the printer device reported an error: ") + strerror(errno),
                     "printer-failed");
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0 && errno != EINTR)
      return Failure(std::string("打印机设备报告错误：") + strerror(errno),
                     std::string("the printer device reported an error: ") + strerror(errno),
                     "printer-failed");
    drained_ = true;
    return Status::Ok();
  }
  // TCP: wait for the printer to acknowledge every byte; the timeout restarts on progress.
  int64_t deadline = NowMs() + timeout_ms_;
  uint64_t seen = Confirmed();
  while (Confirmed() < written_) {
    if (stop_ && stop_()) return Failure("已按要求停止", "stopped as asked", "printer-stopped");
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
      return Failure(std::string("打印机连接中断（") + strerror(err) + "）",
                     std::string("the printer connection failed (") + strerror(err) + ")",
                     "printer-failed");
    if (confirmed_ > seen) {
      seen = confirmed_;
      deadline = NowMs() + timeout_ms_;
    }
    if (NowMs() > deadline)
      return Failure(
          "打印机 " + std::to_string(timeout_ms_ / 1000) + " 秒没有确认收到数据",
          "the printer acknowledged nothing for " + std::to_string(timeout_ms_ / 1000) + " s",
          "printer-timeout");
    poll(nullptr, 0, 10);
  }
  return Status::Ok();
}

void PrinterConnection::Abort() {
  if (fd_ < 0) return;
  if (address_.kind == PrinterAddress::Kind::kTcp) {
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  close(fd_);
  fd_ = -1;
}

}  // namespace agritrace::labeler
