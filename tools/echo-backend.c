/*
 * A tiny backend for pods: answers every HTTP request on TCP 8080 with 200 and its name, and echoes
 * every datagram on UDP 5353 after its name ("NAME payload"), as tools/backend.py does for the
 * network-namespace hosts, so tools/traffic.py can tell which backend answered.
 *
 *   echo-backend [NAME]      NAME: default $POD_NAME, else the host name
 *
 * Built static (tools/build-echo-image.sh) so that its image is this one file. One thread, poll():
 * a request is small and answered at once; a client that sends no request head within two seconds
 * is dropped so that it cannot hold the others up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum { TCP_PORT = 8080, UDP_PORT = 5353, MAX_DATAGRAM = 65535, MAX_HEAD = 8192 };

static int listen_on(int type, int port) {
  int fd = socket(AF_INET6, type, 0);
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off); /* IPv4 too */
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
      (type == SOCK_STREAM && listen(fd, 64) < 0)) {
    fprintf(stderr, "echo-backend: port %d: %s\n", port, strerror(errno));
    exit(1);
  }
  return fd;
}

static void answer_http(int listener, const char *name) {
  int c = accept(listener, NULL, NULL);
  if (c < 0) {
    return;
  }
  struct timeval two = {.tv_sec = 2};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &two, sizeof two);
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &two, sizeof two);
  char head[MAX_HEAD + 1];
  size_t got = 0;
  while (got < MAX_HEAD) { /* until the end of the request head */
    ssize_t n = recv(c, head + got, MAX_HEAD - got, 0);
    if (n <= 0) {
      break;
    }
    got += (size_t)n;
    head[got] = '\0';
    if (strstr(head, "\r\n\r\n") || strstr(head, "\n\n")) {
      char reply[512];
      int len = snprintf(reply, sizeof reply,
                         "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                         strlen(name), name);
      (void)send(c, reply, (size_t)len, MSG_NOSIGNAL);
      break;
    }
  }
  close(c);
}

static void echo_datagram(int fd, const char *name) {
  static char in[MAX_DATAGRAM], out[MAX_DATAGRAM + 256];
  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  ssize_t n = recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&peer, &peer_len);
  if (n < 0) {
    return;
  }
  size_t name_len = strlen(name);
  if (name_len + 1 + (size_t)n > sizeof out) {
    return;
  }
  memcpy(out, name, name_len);
  out[name_len] = ' ';
  memcpy(out + name_len + 1, in, (size_t)n);
  (void)sendto(fd, out, name_len + 1 + (size_t)n, 0, (struct sockaddr *)&peer, peer_len);
}

static void stop(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  char host[256] = "echo-backend";
  const char *name = argc > 1 ? argv[1] : getenv("POD_NAME");
  if (name == NULL || *name == '\0') {
    gethostname(host, sizeof host - 1);
    name = host;
  }
  if (strlen(name) > 200) {
    fprintf(stderr, "echo-backend: a name of at most 200 bytes, please\n");
    return 2;
  }
  signal(SIGTERM, stop); /* PID 1 in a container: no default action for SIGTERM */
  signal(SIGINT, stop);
  struct pollfd fds[2] = {
      {.fd = listen_on(SOCK_STREAM, TCP_PORT), .events = POLLIN},
      {.fd = listen_on(SOCK_DGRAM, UDP_PORT), .events = POLLIN},
  };
  fprintf(stderr, "echo-backend %s: HTTP on TCP %d, echo on UDP %d\n", name, TCP_PORT, UDP_PORT);
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      perror("poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      answer_http(fds[0].fd, name);
    }
    if (fds[1].revents & POLLIN) {
      echo_datagram(fds[1].fd, name);
    }
  }
}
