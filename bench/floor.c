/* bench/floor.c: the least kernel work a multi-repository `status` can do.
 *
 *   floor [-j THREADS] [-m] [-v] WORKSPACE LISTDIR
 *
 * A status must at least look at every tracked file and list every directory that holds
 * one (to find untracked files). For each directory R in WORKSPACE that has a file list
 * LISTDIR/R.z (`git ls-files -z` output, written by bench/mkworkspace.sh so that no git
 * runs while timing), this program
 *   - lstats every tracked path, relative to the repository's directory descriptor;
 *   - opens and reads the repository's top directory and every directory on the way to a
 *     tracked path, each once;
 *   - with -m, also reads .git/HEAD and the whole .git/index, and looks up the upstream
 *     ref (.git/refs/remotes/origin/main, else .git/packed-refs): the metadata any real
 *     status reads.
 * -j spreads the repositories over THREADS threads, each taking the next one from a
 * shared counter. -v prints what was touched on stderr. Exit status 1 if a listed path
 * or directory was missing, 2 for a usage error.
 *
 * bench/peers.sh builds it with: cc -O2 -pthread -o floor bench/floor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
  unsigned long paths;       /* tracked paths lstat'ed */
  unsigned long directories; /* directories read */
  unsigned long entries;     /* directory entries seen */
  unsigned long missing;     /* listed but not there */
  unsigned long meta_bytes;  /* bytes of .git metadata read (-m) */
};

static const char* workspace;
static const char* list_dir;
static int with_metadata;
static char** names;
static size_t name_count;
static atomic_size_t next_name;

static void* xrealloc(void* p, size_t size) {
  p = realloc(p, size);
  if (!p) {
    perror("floor");
    exit(2);
  }
  return p;
}

/* The whole file at `path` (relative to `dir`), or NULL. Sets *size. */
static char* read_whole(int dir, const char* path, size_t* size) {
  int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return NULL;
  }
  size_t cap = 4096, used = 0;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0) {
    cap = (size_t)st.st_size + 1;
  }
  char* buf = xrealloc(NULL, cap);
  for (;;) {
    if (used == cap) {
      buf = xrealloc(buf, cap *= 2);
    }
    ssize_t got = read(fd, buf + used, cap - used);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      free(buf);
      close(fd);
      return NULL;
    }
    if (got == 0) {
      break;
    }
    used += (size_t)got;
  }
  close(fd);
  *size = used;
  return buf;
}

static void read_directory(int repo, const char* path, struct counts* c) {
  int fd = openat(repo, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    c->missing++;
    return;
  }
  DIR* dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    c->missing++;
    return;
  }
  while (readdir(dir)) {
    c->entries++;
  }
  closedir(dir);
  c->directories++;
}

static void read_metadata(int repo, struct counts* c) {
  size_t size;
  char* data;
  if ((data = read_whole(repo, ".git/HEAD", &size))) {
    c->meta_bytes += size;
    free(data);
  }
  if ((data = read_whole(repo, ".git/index", &size))) {
    c->meta_bytes += size;
    free(data);
  }
  struct stat st;
  if (fstatat(repo, ".git/refs/remotes/origin/main", &st, AT_SYMLINK_NOFOLLOW) != 0 &&
      (data = read_whole(repo, ".git/packed-refs", &size))) {
    c->meta_bytes += size;
    free(data);
  }
}

/* Length of the directory part two paths share, up to and including its last '/'. */
static size_t shared_directory(const char* a, size_t a_len, const char* b, size_t b_len) {
  size_t shared = 0;
  for (size_t i = 0; i < a_len && i < b_len && a[i] == b[i]; i++) {
    if (a[i] == '/') {
      shared = i + 1;
    }
  }
  return shared;
}

static void visit_repository(const char* name, struct counts* c) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.z", list_dir, name);
  size_t size;
  char* list = read_whole(AT_FDCWD, path, &size);
  if (!list) {
    return; /* not one of the workspace's repositories */
  }
  snprintf(path, sizeof path, "%s/%s", workspace, name);
  int repo = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (repo < 0) {
    c->missing++;
    free(list);
    return;
  }
  if (with_metadata) {
    read_metadata(repo, c);
  }
  read_directory(repo, ".", c);

  /* The list is sorted, so the paths below one directory come together: a directory
   * is new when the previous path does not lie in it. */
  const char* previous = "";
  size_t previous_len = 0;
  for (size_t at = 0; at < size;) {
    char* p = list + at;
    size_t len = strnlen(p, size - at);
    struct stat st;
    if (fstatat(repo, p, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      c->missing++;
    }
    c->paths++;
    for (size_t i = shared_directory(p, len, previous, previous_len); i < len; i++) {
      if (p[i] != '/') {
        continue;
      }
      p[i] = '\0';
      read_directory(repo, p, c);
      p[i] = '/';
    }
    previous = p;
    previous_len = len;
    at += len + 1;
  }
  close(repo);
  free(list);
}

static void* work(void* arg) {
  struct counts* c = arg;
  for (size_t i; (i = atomic_fetch_add(&next_name, 1)) < name_count;) {
    visit_repository(names[i], c);
  }
  return NULL;
}

static void list_repositories(void) {
  DIR* dir = opendir(workspace);
  if (!dir) {
    perror(workspace);
    exit(1);
  }
  size_t cap = 0;
  for (struct dirent* e; (e = readdir(dir));) {
    if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)) {
      continue;
    }
    if (name_count == cap) {
      names = xrealloc(names, (cap = cap ? cap * 2 : 256) * sizeof *names);
    }
    names[name_count++] = strdup(e->d_name);
  }
  closedir(dir);
}

int main(int argc, char** argv) {
  int threads = 1, verbose = 0, bad = 0, opt;
  while ((opt = getopt(argc, argv, "j:mv")) != -1) {
    if (opt == 'j') {
      threads = atoi(optarg) > 0 ? atoi(optarg) : 1;
    } else if (opt == 'm') {
      with_metadata = 1;
    } else if (opt == 'v') {
      verbose = 1;
    } else {
      bad = 1;
    }
  }
  if (bad || optind + 2 != argc) {
    fprintf(stderr, "usage: %s [-j THREADS] [-m] [-v] WORKSPACE LISTDIR\n", argv[0]);
    return 2;
  }
  workspace = argv[optind];
  list_dir = argv[optind + 1];
  list_repositories();

  pthread_t* ids = calloc((size_t)threads, sizeof *ids);
  struct counts* per_thread = calloc((size_t)threads, sizeof *per_thread);
  for (int t = 1; t < threads; t++) {
    pthread_create(&ids[t], NULL, work, &per_thread[t]);
  }
  work(&per_thread[0]); /* the main thread is the first worker */
  struct counts all = {0};
  for (int t = 0; t < threads; t++) {
    if (t > 0) {
      pthread_join(ids[t], NULL);
    }
    all.paths += per_thread[t].paths;
    all.directories += per_thread[t].directories;
    all.entries += per_thread[t].entries;
    all.missing += per_thread[t].missing;
    all.meta_bytes += per_thread[t].meta_bytes;
  }
  if (verbose) {
    fprintf(stderr, "repos=%zu paths=%lu directories=%lu entries=%lu missing=%lu meta_bytes=%lu\n",
            name_count, all.paths, all.directories, all.entries, all.missing, all.meta_bytes);
  }
  return all.missing ? 1 : 0;
}
