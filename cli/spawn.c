/*
 * spawn.c: fork, chdir, execvp, wait (spawn.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/spawn.h"

bool
spawn_found(const char *prog)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];
	struct stat st;

	if (prog == NULL || *prog == '\0')
		return false;
	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		size_t len;

		e = strchr(p, ':');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 0)
			len = 1, p = ".";
		if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p,
		    prog) < sizeof(buf) && stat(buf, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
		if (e == NULL)
			return false;
	}
}

int
spawn_run(char *const argv[], const char *dir, char *err, size_t errlen)
{
	int status, fd, e;
	pid_t pid;

	if (errlen > 0)
		err[0] = '\0';
	if (argv == NULL || argv[0] == NULL)
		return -EINVAL;
	if (!spawn_found(argv[0])) {
		snprintf(err, errlen, "%s: not found on PATH", argv[0]);
		return -ENOENT;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		e = errno;
		snprintf(err, errlen, "cannot start %s: %s", argv[0],
		    strerror(e));
		return -e;
	}
	if (pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		if (dir != NULL && chdir(dir) == -1)
			_exit(126);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			(void)dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO)
				(void)close(fd);
		}
		(void)dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			e = errno;
			snprintf(err, errlen, "%s: %s", argv[0], strerror(e));
			return -e;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "%s exited with status %d", argv[0],
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "%s was killed by signal %d", argv[0],
		    WTERMSIG(status));
	else
		snprintf(err, errlen, "%s failed", argv[0]);
	return -ECHILD;
}
