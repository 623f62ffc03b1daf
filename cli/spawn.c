/*
 * spawn.c: fork, chdir, execvp, wait (spawn.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/outfile.h"
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
	sigset_t sigs, old;
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
	/* The interrupting signals held off until the parent knows the
	 * child (its handler kills it) and the child has dropped the
	 * parent's handler (which removes the parent's files). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if ((pid = fork()) == -1) {
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errlen, "cannot start %s: %s", argv[0],
		    strerror(e));
		return -e;
	}
	if (pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		(void)signal(SIGINT, SIG_DFL);
		(void)signal(SIGTERM, SIG_DFL);
		(void)signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
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
	outfile_child(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			e = errno;
			outfile_child(0);
			snprintf(err, errlen, "%s: %s", argv[0], strerror(e));
			return -e;
		}
	outfile_child(0);
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
