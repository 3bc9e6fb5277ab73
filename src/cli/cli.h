/* The command line: option parsing and the command table. */
#ifndef ENVLINT_CLI_H
#define ENVLINT_CLI_H

/* Run envlint with argv; returns the process exit code (0, 1 or 2). */
int cli_main(int argc, char **argv);

#endif
