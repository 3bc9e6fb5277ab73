/* Unit tests for src/parse/source.c: languages, comment blanking, prefilter, groups, call args,
 * positions, limits. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse/source.h"

/* Compile one pattern (flags may be NULL); fails the test on a bad regex. */
static struct rx *
compile(const char *re, const char *flags)
{
	struct rx *rx = NULL;
	struct el_error err = EL_ERROR_INIT;

	if (rx_compile(&rx, re, flags, "test", 1, 1, &err) != 0)
		ck_abort_msg("bad test regex %s: %s", re, err.msg);
	return rx;
}

/* Scan text with one pattern; returns the matches (caller frees). */
static struct source_matches
scan_one(enum source_lang lang, const char *text, const char *re, const char *literal,
         bool call_args)
{
	struct source_matches ms = {0};
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_pattern p;
	int rc;

	p.id = "t";
	p.langs = (unsigned)lang;
	p.literal = literal;
	p.rx = compile(re, NULL);
	p.call_args = call_args;
	rc = source_scan(&ms, ctx, lang, text, strlen(text), &p, 1, &err);
	ck_assert_int_eq(rc, 0);
	/* the pattern pointer is no longer valid once we return: detach it */
	for (size_t i = 0; i < ms.len; i++)
		ms.items[i].pattern = NULL;
	rx_free((struct rx *)p.rx);
	rx_ctx_free(ctx);
	return ms;
}

/* ---- source_lang_of ---- */

struct lang_case {
	const char *name;
	enum source_lang lang;
};

static const struct lang_case lang_cases[] = {
    {"src/index.js", LANG_JS},
    {"a/b/server.mjs", LANG_JS},
    {"config.cjs", LANG_JS},
    {"App.jsx", LANG_JS},
    {"main.ts", LANG_JS},
    {"x.mts", LANG_JS},
    {"x.cts", LANG_JS},
    {"Page.tsx", LANG_JS},
    {"settings.py", LANG_PYTHON},
    {"cmd/main.go", LANG_GO},
    {"config/application.rb", LANG_RUBY},
    {"Gemfile", LANG_RUBY},
    {"config/database.yml.erb", LANG_RUBY},
    {"scripts/entrypoint.sh", LANG_SHELL},
    {"run.bash", LANG_SHELL},
    {"Procfile", LANG_SHELL},
    {"Dockerfile", LANG_SHELL},
    {"services/api/Dockerfile.prod", LANG_SHELL},
    {"deploy/api.dockerfile", LANG_SHELL},
    {"prisma/schema.prisma", LANG_PRISMA},
    {"docker-compose.yml", LANG_YAML},
    {"k8s/deploy.yaml", LANG_YAML},
    {"App.java", LANG_JAVA},
    {"build.gradle.kts", LANG_JAVA},
    {"Main.kt", LANG_JAVA},
    {"application.properties", LANG_JAVA},
    {"src/main.rs", LANG_RUST},
    {"index.php", LANG_PHP},
    {"README.md", LANG_NONE},
    {".env", LANG_NONE},
    {"Makefile", LANG_NONE},
    {"js", LANG_NONE},
    {"dir.js/file", LANG_NONE},
    {"", LANG_NONE},
};

START_TEST(test_source_lang_of)
{
	const struct lang_case *c = &lang_cases[_i];

	ck_assert_msg(source_lang_of(c->name) == c->lang, "%s: got %d, want %d", c->name,
	              source_lang_of(c->name), c->lang);
}
END_TEST

/* ---- comment blanking: how many times `needle` matches in code ---- */

struct blank_case {
	enum source_lang lang;
	const char *text;
	const char *re;
	size_t nmatches;
	const char *group1; /* group 1 of the first match, or NULL */
};

static const struct blank_case blank_cases[] = {
    /* JS line and block comments */
    {LANG_JS, "// require('dotenv').config()\n", "dotenv", 0, NULL},
    {LANG_JS, "/* require('dotenv').config() */ x();\n", "dotenv", 0, NULL},
    {LANG_JS, "/*\n * dotenv.config()\n */\nrequire('dotenv')", "dotenv", 1, NULL},
    {LANG_JS, "x(); // a\nrequire('dotenv') // dotenv\n", "dotenv", 1, NULL},
    /* // inside strings, template literals, URLs and regex literals is not a comment */
    {LANG_JS, "const u = 'https://example.com/dotenv';", "(https://\\S+dotenv)", 1,
     "https://example.com/dotenv"},
    {LANG_JS, "const u = \"postgres://db/x\"; dotenv.config()", "dotenv\\.config", 1, NULL},
    {LANG_JS, "const u = `http://${host}/a`; dotenv.config()", "dotenv\\.config", 1, NULL},
    {LANG_JS, "const u = `a ${ f(/* c */ 1) } // b`; dotenv.config()", "(dotenv\\.config)", 1,
     "dotenv.config"},
    {LANG_JS, "const re = /\\/\\/x/; dotenv.config()", "dotenv\\.config", 1, NULL},
    {LANG_JS, "const re = /[/]/g; dotenv.config()", "dotenv\\.config", 1, NULL},
    {LANG_JS, "a = b / c; // dotenv.config()\n", "dotenv", 0, NULL},
    {LANG_JS, "const s = '/* not a comment */ dotenv';", "dotenv", 1, NULL},
    {LANG_JS, "const s = 'it\\'s // dotenv';", "dotenv", 1, NULL},
    /* Python */
    {LANG_PYTHON, "# load_dotenv()\nx = 1\n", "load_dotenv", 0, NULL},
    {LANG_PYTHON, "x = 1  # load_dotenv()\n", "load_dotenv", 0, NULL},
    {LANG_PYTHON, "u = 'a#b'; load_dotenv('#x')\n", "load_dotenv\\('(#x)'", 1, "#x"},
    {LANG_PYTHON, "s = \"\"\"\n# load_dotenv()\n\"\"\"\n", "load_dotenv", 1, NULL},
    {LANG_PYTHON, "s = r'\\'#' ; load_dotenv()\n", "load_dotenv", 1, NULL},
    {LANG_PYTHON, "s = f\"{x}#\" # load_dotenv()\n", "load_dotenv", 0, NULL},
    /* shell, YAML, Ruby */
    {LANG_SHELL, "# source .env\nexport A=1\n", "source", 0, NULL},
    {LANG_SHELL, "echo ${#x} source .env\n", "source \\.env", 1, NULL},
    {LANG_SHELL, "echo \"# source .env\"\n", "source \\.env", 1, NULL},
    {LANG_SHELL, "echo hi # source .env\n", "source", 0, NULL},
    {LANG_YAML, "# env_file: .env\nenv_file: .env.prod # .env\n", "env_file: (\\S+)", 1,
     ".env.prod"},
    {LANG_YAML, "url: \"http://x/#frag\" # comment\n", "(#\\w+)", 1, "#frag"},
    {LANG_YAML, "url: http://x/#frag\n", "(#\\w+)", 1, "#frag"},
    {LANG_RUBY, "# Dotenv.load\nDotenv.load('.env') # Dotenv\n", "Dotenv", 1, NULL},
    {LANG_RUBY, "x = \"#{a} Dotenv\"\n", "Dotenv", 1, NULL},
    /* Go, Java, Rust, PHP like JS; Prisma // */
    {LANG_GO, "// godotenv.Load()\ns := `// godotenv.Load()`\n", "godotenv", 1, NULL},
    {LANG_JAVA, "/* Dotenv.load() */ String u = \"jdbc:postgresql://h/db\";", "(//h/db)", 1,
     "//h/db"},
    {LANG_JAVA, "# spring.datasource.url=x\nspring.datasource.url=jdbc:postgresql://h/db\n",
     "datasource\\.url=(\\S+)", 1, "jdbc:postgresql://h/db"},
    {LANG_RUST, "fn f<'a>(x: &'a str) { dotenvy::dotenv(); } // dotenvy\n", "dotenvy", 1, NULL},
    {LANG_RUST, "let c = '\"'; dotenvy::dotenv(); // dotenvy\n", "dotenvy", 1, NULL},
    {LANG_PHP, "# Dotenv\n$d = Dotenv\\Dotenv::createImmutable(__DIR__); // Dotenv\n",
     "Dotenv::", 1, NULL},
    {LANG_PRISMA, "// url = env(\"X\")\nurl = env(\"DATABASE_URL\") // x\n", "env\\(\"(\\w+)\"\\)",
     1, "DATABASE_URL"},
    /* an unterminated string ends at the line break: later comments are still comments */
    {LANG_JS, "const s = 'oops\n// dotenv.config()\n", "dotenv", 0, NULL},
    /* an unterminated block comment runs to end of file */
    {LANG_JS, "x(); /* dotenv\n dotenv", "dotenv", 0, NULL},
};

START_TEST(test_source_comment_blanking)
{
	const struct blank_case *c = &blank_cases[_i];
	struct source_matches ms = scan_one(c->lang, c->text, c->re, NULL, false);

	ck_assert_msg(ms.len == c->nmatches, "case %d: %zu matches, want %zu", _i, ms.len,
	              c->nmatches);
	if (c->group1 != NULL)
		ck_assert_str_eq(ms.items[0].groups[1], c->group1);
	/* blanking keeps offsets: group 0 is the same bytes as in the input */
	for (size_t i = 0; i < ms.len; i++)
		ck_assert(memcmp(c->text + ms.items[i].start, ms.items[i].groups[0],
		                 ms.items[i].end - ms.items[i].start) == 0);
	source_matches_free(&ms);
}
END_TEST

/* ---- prefilter ---- */

START_TEST(test_source_prefilter_skip)
{
	/* The regex would match, but the literal is absent: the regex must not run. */
	struct source_matches ms = scan_one(LANG_JS, "require('dotenv')", "dotenv", "zzz", false);

	ck_assert_uint_eq(ms.len, 0);
	source_matches_free(&ms);
	/* Literal present: regex runs. */
	ms = scan_one(LANG_JS, "require('dotenv')", "dotenv", "require", false);
	ck_assert_uint_eq(ms.len, 1);
	source_matches_free(&ms);
	/* Literal present only in a comment: no match. */
	ms = scan_one(LANG_JS, "// dotenv\nx()", "dotenv", "dotenv", false);
	ck_assert_uint_eq(ms.len, 0);
	source_matches_free(&ms);
}
END_TEST

/*
 * The one-pass prefilter of a pattern set must let a pattern's regex run
 * exactly when its literal occurs outside comments: checked against strstr
 * on generated texts
 * over a small alphabet (so literals often overlap, share first bytes, end
 * the text or are cut by it), with more literals than the set's small table,
 * one-byte literals and a pattern without one; every tenth text is long
 * enough to overflow the list of occurrences kept for the blanked text.
 */
START_TEST(test_source_set_prefilter)
{
	static const char alphabet[] = "abc.(\n#"; /* '#' (texts only): Python comments */
	enum { NPAT = 80, NTEXT = 400 };
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_pattern pats[NPAT];
	char lits[NPAT][8];
	struct source_set *set;
	unsigned seed = 12345;
	size_t i, t;

	for (i = 0; i < NPAT; i++) {
		size_t n = i % 5 + 1, k;

		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			lits[i][k] = alphabet[(seed >> 16) % 6];
		}
		lits[i][n] = '\0';
		pats[i].id = lits[i];
		pats[i].langs = LANG_PYTHON;
		pats[i].literal = i == 7 ? NULL : lits[i];
		pats[i].rx = compile("^", "m"); /* one match per line when the pattern runs */
		pats[i].call_args = false;
	}
	set = source_set_new(pats, NPAT);
	for (t = 0; t < NTEXT; t++) {
		char text[2048], blanked[2048];
		size_t len, k;
		struct source_matches ms = {0};
		bool ran[NPAT] = {false};

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (t % 10 == 0 ? sizeof(text) - 1 : 64);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			text[k] = alphabet[(seed >> 16) % 7];
		}
		text[len] = '\0';
		memcpy(blanked, text, len + 1);
		for (k = 0; k < len; k++) {
			if (blanked[k] != '#')
				continue;
			for (; k < len && blanked[k] != '\n'; k++)
				blanked[k] = ' ';
		}
		ck_assert_int_eq(source_scan_set(&ms, ctx, LANG_PYTHON, text, len, set, &err), 0);
		for (k = 0; k < ms.len; k++)
			ran[ms.items[k].pattern - pats] = true;
		for (i = 0; i < NPAT; i++) {
			bool want = pats[i].literal == NULL || strstr(blanked, pats[i].literal) != NULL;

			ck_assert_msg(ran[i] == want, "literal '%s' in '%s': ran %d, want %d",
			              pats[i].literal ? pats[i].literal : "(none)", text, ran[i],
			              want);
		}
		source_matches_free(&ms);
	}
	source_set_free(set);
	for (i = 0; i < NPAT; i++)
		rx_free((struct rx *)pats[i].rx);
	rx_ctx_free(ctx);
}
END_TEST

/* ---- literals derived from regexes (rx_required_literal) ---- */

struct lit_case {
	const char *re, *flags, *want; /* want "" = no literal */
};

static const struct lit_case lit_cases[] = {
    {"\\bprepare_threshold\\s*=\\s*None\\b", NULL, "prepare_threshold"},
    {"(?<![.\\w])postgres\\s*\\(", NULL, "postgres"},
    {"(?m)^[ \\t]+adapter:[ \\t]*", NULL, "adapter:"},
    {"foo\\.bar", NULL, "foo.bar"},
    {"[abc]defg", NULL, "defg"},
    {"(?:abc|x)def", NULL, "def"},
    {"abcd?ef", NULL, "abc"},
    {"abcd*ef", NULL, "abc"},
    {"abcd{0,2}ef", NULL, "abc"},
    {"abc+def", NULL, "abc"},
    {"x{2}yz", NULL, ""},
    {"ab|cdef", NULL, ""},
    {"abcd|efgh", NULL, ""},
    {"[|]abcd", NULL, "abcd"},
    {"ab\\|cd", NULL, "ab|cd"},
    {"\\x41BCD", NULL, ""},
    {"(x)\\1abcd", NULL, ""},
    {"\\p{L}abcd", NULL, ""},
    {"(?i)hello", NULL, ""},
    {"hello", "i", ""},
    {"hel lo", "x", ""},
    {"a.b.c", NULL, ""},
    {"caf\xc3\xa9?xyz", NULL, "caf"}, /* the optional é (two bytes) ends the run */
    {"\\Qa.b\\E", NULL, ""},
    {"abc(?=def)", NULL, "abc"},
    {"[]abc]xyz", NULL, "xyz"},
    {"[[:alpha:]]wxyz", NULL, "wxyz"},
};

START_TEST(test_rx_required_literal)
{
	const struct lit_case *c = &lit_cases[_i];
	struct rx *rx = compile(c->re, c->flags);
	char out[64];
	size_t n = rx_required_literal(rx, out, sizeof(out));

	ck_assert_msg(strcmp(n ? out : "", c->want) == 0, "%s: got '%s', want '%s'", c->re,
	              n ? out : "", c->want);
	rx_free(rx);
}
END_TEST

/*
 * Soundness: for random regexes over a small alphabet (literals, escapes,
 * classes, groups with alternatives, every quantifier, now and then a
 * top-level alternative), every match PCRE2 finds in random subjects holds
 * the derived literal.
 */
START_TEST(test_rx_required_literal_sound)
{
	/* atoms before the first '-' take quantifiers; the others (zero-width, optional) do not */
	static const char *const atoms[] = {"a", "abc", "ca", "\\.", ".", "[ab]", "(?:ab|c)", "\\w",
	                                    "-", "(?:a|bc)?", "\\b", "(?=a)"};
	static const char *const quants[] = {"", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "??"};
	struct rx_ctx *ctx = rx_ctx_new();
	unsigned seed = 99;
	int r, t, checked = 0;

	for (r = 0; r < 6000; r++) {
		char re[256] = "", lit[64];
		int natoms, k;
		struct rx *rx;
		size_t n;

		seed = seed * 1103515245u + 12345u;
		natoms = 1 + (int)((seed >> 16) % 8);
		for (k = 0; k < natoms; k++) {
			size_t a;

			seed = seed * 1103515245u + 12345u;
			a = (seed >> 16) % (sizeof(atoms) / sizeof(atoms[0]));
			if (a == 8)
				continue;
			strcat(re, atoms[a]);
			seed = seed * 1103515245u + 12345u;
			if (a < 8)
				strcat(re, quants[(seed >> 16) % (sizeof(quants) / sizeof(quants[0]))]);
			if ((seed >> 8) % 40 == 0)
				strcat(re, "|");
		}
		if (re[0] == '\0' || re[strlen(re) - 1] == '|')
			strcat(re, "c");
		rx = compile(re, NULL);
		if ((n = rx_required_literal(rx, lit, sizeof(lit))) == 0) {
			rx_free(rx);
			continue;
		}
		for (t = 0; t < 60; t++) {
			char subj[24];
			size_t len, i, pos = 0;
			struct rx_match m;

			seed = seed * 1103515245u + 12345u;
			len = (seed >> 16) % sizeof(subj);
			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				subj[i] = "abcabc."[(seed >> 16) % 7];
			}
			while (pos <= len && rx_match(ctx, rx, subj, len, pos, &m) == RX_MATCH) {
				char found[32];
				size_t mlen = m.end[0] - m.start[0];

				memcpy(found, subj + m.start[0], mlen);
				found[mlen] = '\0';
				ck_assert_msg(strstr(found, lit) != NULL,
				              "regex %s matched '%s' without its literal '%s'", re,
				              found, lit);
				checked++;
				pos = m.end[0] > m.start[0] ? m.end[0] : m.end[0] + 1;
			}
		}
		rx_free(rx);
	}
	ck_assert_int_gt(checked, 1000); /* the generator must produce matching cases */
	rx_ctx_free(ctx);
}
END_TEST

START_TEST(test_source_pattern_languages)
{
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	struct source_pattern pats[3] = {
	    {"py", LANG_PYTHON, "load_dotenv", compile("load_dotenv", NULL), false},
	    {"js", LANG_JS, "config", compile("config", NULL), false},
	    {"both", LANG_JS | LANG_PYTHON, NULL, compile("(?<fn>\\w+)\\(", NULL), false},
	};
	const char *text = "load_dotenv()\nconfig()\n";

	ck_assert_int_eq(source_scan(&ms, ctx, LANG_PYTHON, text, strlen(text), pats, 3, &err), 0);
	/* pattern order, then position */
	ck_assert_uint_eq(ms.len, 3);
	ck_assert_str_eq(ms.items[0].pattern->id, "py");
	ck_assert_str_eq(ms.items[1].pattern->id, "both");
	ck_assert_str_eq(source_group(&ms.items[1], "fn"), "load_dotenv");
	ck_assert_str_eq(ms.items[2].pattern->id, "both");
	ck_assert_str_eq(source_group(&ms.items[2], "fn"), "config");
	ck_assert_int_eq(ms.items[2].line, 2);
	ck_assert_ptr_null(source_group(&ms.items[2], "nosuch"));
	source_matches_free(&ms);
	ck_assert_uint_eq(ms.len, 0);
	for (int i = 0; i < 3; i++)
		rx_free((struct rx *)pats[i].rx);
	rx_ctx_free(ctx);
}
END_TEST

/* ---- group extraction ---- */

START_TEST(test_source_groups)
{
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	struct source_pattern p = {
	    "import", LANG_JS, "from",
	    compile("import\\s+(?<name>\\w+)(?:\\s*,\\s*\\{(?<named>[^}]*)\\})?\\s+from\\s+"
	            "['\"](?<mod>[^'\"]+)['\"]",
	            NULL),
	    false};
	const char *text = "import dotenv from 'dotenv';\nimport x, { y } from \"@scope/pkg\";\n";

	ck_assert_int_eq(source_scan(&ms, ctx, LANG_JS, text, strlen(text), &p, 1, &err), 0);
	ck_assert_uint_eq(ms.len, 2);
	ck_assert_str_eq(source_group(&ms.items[0], "name"), "dotenv");
	ck_assert_str_eq(source_group(&ms.items[0], "mod"), "dotenv");
	ck_assert_ptr_null(source_group(&ms.items[0], "named")); /* optional group unset */
	ck_assert_str_eq(source_group(&ms.items[1], "named"), " y ");
	ck_assert_str_eq(source_group(&ms.items[1], "mod"), "@scope/pkg");
	ck_assert_str_eq(ms.items[1].groups[0], "import x, { y } from \"@scope/pkg\"");
	ck_assert_ptr_null(ms.items[0].args);
	source_matches_free(&ms);
	rx_free((struct rx *)p.rx);
	rx_ctx_free(ctx);
}
END_TEST

/* ---- call args ---- */

struct args_case {
	enum source_lang lang;
	const char *text;
	const char *re;
	const char *args; /* NULL = no args */
	int args_line, args_col;
};

static const struct args_case args_cases[] = {
    {LANG_JS, "dotenv.config()", "dotenv\\.config", "", 1, 15},
    {LANG_JS, "dotenv.config({ path: '.env' })", "dotenv\\.config\\(", "{ path: '.env' }", 1, 15},
    {LANG_JS, "dotenv.config ( { path: path.resolve(__dirname, '../.env') } );", "dotenv\\.config",
     " { path: path.resolve(__dirname, '../.env') } ", 1, 16},
    {LANG_JS, "require('dotenv').config({\n  path: `.env.${env}`,\n  x: ')',\n})\n",
     "require\\(['\"]dotenv['\"]\\)\\.config", "{\n  path: `.env.${env}`,\n  x: ')',\n}", 1, 26},
    {LANG_JS, "config({ p: `a${f(')', `(${g(\"}\")}`)}b` })", "config",
     "{ p: `a${f(')', `(${g(\"}\")}`)}b` }", 1, 8},
    {LANG_JS, "config({ re: /\\)/g, s: \"(\" })", "config", "{ re: /\\)/g, s: \"(\" }", 1, 8},
    {LANG_JS, "config({ path: '.env' /* ) */ }) // )", "config", "{ path: '.env'         }", 1, 8},
    {LANG_JS, "config(a[0], {b: [1, (2)]})", "config", "a[0], {b: [1, (2)]}", 1, 8},
    /* the match ends inside the call */
    {LANG_PYTHON, "load_dotenv(override=True, dotenv_path=p)", "load_dotenv\\(override",
     "override=True, dotenv_path=p", 1, 13},
    {LANG_PYTHON, "load_dotenv(\n    dotenv_path=\")\",  # ) comment\n    override=True)\n",
     "load_dotenv", "\n    dotenv_path=\")\",             \n    override=True", 1, 13},
    {LANG_PYTHON, "load_dotenv('''a)b''', x=(1, 2))", "load_dotenv", "'''a)b''', x=(1, 2)", 1, 13},
    {LANG_PYTHON, "Settings(_env_file=ENV_PATH)", "Settings", "_env_file=ENV_PATH", 1, 10},
    /* CRLF: args position */
    {LANG_JS, "x();\r\n\r\ndotenv.config(\r\n{ path: '.env' })", "dotenv\\.config",
     "\r\n{ path: '.env' }", 3, 15},
    /* unbalanced: no args, never running to end of file */
    {LANG_JS, "dotenv.config({ path: '.env' ", "dotenv\\.config", NULL, 0, 0},
    {LANG_JS, "dotenv.config({ path: '.env' ))", "dotenv\\.config", NULL, 0, 0},
    {LANG_JS, "dotenv.config(`${`)", "dotenv\\.config", NULL, 0, 0},
    {LANG_PYTHON, "load_dotenv('x'\nprint(1)\n", "load_dotenv", NULL, 0, 0},
    /* no call after the match */
    {LANG_JS, "import dotenv from 'dotenv'; x(1)", "import dotenv", NULL, 0, 0},
    {LANG_JS, "const c = dotenv.config; f(1)", "dotenv\\.config", NULL, 0, 0},
};

START_TEST(test_source_call_args)
{
	const struct args_case *c = &args_cases[_i];
	struct source_matches ms = scan_one(c->lang, c->text, c->re, NULL, true);

	ck_assert_msg(ms.len >= 1, "case %d: no match", _i);
	if (c->args == NULL) {
		ck_assert_msg(ms.items[0].args == NULL, "case %d: args %s", _i, ms.items[0].args);
	} else {
		ck_assert_msg(ms.items[0].args != NULL, "case %d: no args", _i);
		ck_assert_str_eq(ms.items[0].args, c->args);
		ck_assert_int_eq(ms.items[0].args_line, c->args_line);
		ck_assert_int_eq(ms.items[0].args_col, c->args_col);
	}
	source_matches_free(&ms);
}
END_TEST

START_TEST(test_source_call_args_bounded)
{
	/* A call longer than the capture bound yields no args. */
	size_t n = 200 * 1024;
	char *text = malloc(n + 32);
	struct source_matches ms;

	strcpy(text, "config(");
	memset(text + 7, 'a', n);
	strcpy(text + 7 + n, ")");
	ms = scan_one(LANG_JS, text, "config", NULL, true);
	ck_assert_uint_eq(ms.len, 1);
	ck_assert_ptr_null(ms.items[0].args);
	source_matches_free(&ms);
	/* an unclosed call in a big file gives up too */
	text[7 + n] = '\0';
	ms = scan_one(LANG_JS, text, "config", NULL, true);
	ck_assert_ptr_null(ms.items[0].args);
	source_matches_free(&ms);
	free(text);
}
END_TEST

/* ---- positions ---- */

struct pos_case {
	const char *text;
	const char *re;
	size_t n;
	int line[4], col[4];
};

static const struct pos_case pos_cases[] = {
    {"X\nabc X\n\nX", "X", 3, {1, 2, 4}, {1, 5, 1}},
    {"X\r\nabc X\r\n\r\nX", "X", 3, {1, 2, 4}, {1, 5, 1}},
    {"X\rabc X\r\rX", "X", 3, {1, 2, 4}, {1, 5, 1}},
    {"\xc3\xa9X", "X", 1, {1}, {3}}, /* byte columns */
    {"aaa\n  X X", "X", 2, {2, 2}, {3, 5}},
    /* empty matches advance and do not loop */
    {"ab\ncd", "^", 2, {1, 2}, {1, 1}},
    {"\xc3\xa9\xc3\xa9", "", 3, {1, 1, 1}, {1, 3, 5}},
};

START_TEST(test_source_line_col)
{
	const struct pos_case *c = &pos_cases[_i];
	struct source_matches ms = {0};
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_pattern p = {"pos", LANG_JS, NULL, compile(c->re, "m"), false};

	ck_assert_int_eq(source_scan(&ms, ctx, LANG_JS, c->text, strlen(c->text), &p, 1, &err), 0);
	ck_assert_uint_eq(ms.len, c->n);
	for (size_t i = 0; i < c->n; i++) {
		ck_assert_int_eq(ms.items[i].line, c->line[i]);
		ck_assert_int_eq(ms.items[i].col, c->col[i]);
	}
	source_matches_free(&ms);
	rx_free((struct rx *)p.rx);
	rx_ctx_free(ctx);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_source_limit_hit)
{
	size_t n = 100000;
	char *text = malloc(n + 2);
	struct source_matches ms = {0};
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_pattern pats[2] = {
	    {"catastrophic", LANG_JS, "a", compile("(?:a|aa)+$", NULL), false},
	    {"after", LANG_JS, "c", compile("c", NULL), false},
	};
	struct timespec t0, t1;
	double secs;

	memset(text, 'a', n);
	text[n] = 'c';
	text[n + 1] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(source_scan(&ms, ctx, LANG_JS, text, n + 1, pats, 2, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert(ms.limit_hit);
	ck_assert_str_eq(ms.limit_pattern, "catastrophic");
	/* the scan went on with the next pattern */
	ck_assert_uint_eq(ms.len, 1);
	ck_assert_str_eq(ms.items[0].pattern->id, "after");
	ck_assert_msg(secs < 5.0, "limit took %.1fs", secs);
	source_matches_free(&ms);
	for (int i = 0; i < 2; i++)
		rx_free((struct rx *)pats[i].rx);
	rx_ctx_free(ctx);
	free(text);
}
END_TEST

START_TEST(test_source_hostile_bytes)
{
	/* invalid UTF-8, NUL bytes and unterminated constructs never crash or hang */
	static const char text[] = "\xff\xfe`${`${'\0\"/*\x80//\n\xc3(dotenv.config(\xff";
	struct source_matches ms = {0};
	struct rx_ctx *ctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;
	struct source_pattern p = {"x", LANG_JS, NULL, compile("dotenv", NULL), true};

	for (int lang = LANG_JS; lang <= LANG_PHP; lang <<= 1) {
		p.langs = (unsigned)lang;
		ck_assert_int_eq(source_scan(&ms, ctx, (enum source_lang)lang, text,
		                             sizeof(text) - 1, &p, 1, &err),
		                 0);
		source_matches_free(&ms);
	}
	rx_free((struct rx *)p.rx);
	rx_ctx_free(ctx);
}
END_TEST

/* Seconds since t0. */
static double
since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Repeat unit n times into a fresh string. */
static char *
repeat(const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	return s;
}

START_TEST(test_source_linear_on_hostile_lines)
{
	struct timespec t0;
	struct source_matches ms;
	char *text;

	/* every '/' could open a regex literal that never closes on this 2 MB line */
	text = repeat("(/", 1000000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ms = scan_one(LANG_JS, text, "x", NULL, false);
	ck_assert_msg(since(&t0) < 2.0, "regex-literal heuristic is not linear");
	ck_assert_uint_eq(ms.len, 0);
	source_matches_free(&ms);
	free(text);

	/* 200,000 nested unclosed calls: argument capture runs out of budget, reported */
	text = repeat("config(", 200000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	{
		struct rx_ctx *ctx = rx_ctx_new();
		struct el_error err = EL_ERROR_INIT;
		struct source_pattern p = {"nested", LANG_JS, "config", compile("config", NULL),
		                           true};

		memset(&ms, 0, sizeof(ms));
		ck_assert_int_eq(source_scan(&ms, ctx, LANG_JS, text, strlen(text), &p, 1, &err),
		                 0);
		ck_assert_msg(since(&t0) < 2.0, "nested calls are not bounded");
		ck_assert_uint_eq(ms.len, 200000);
		ck_assert(ms.limit_hit);
		ck_assert_str_eq(ms.limit_pattern, "nested");
		ck_assert_ptr_null(ms.items[0].args);
		source_matches_free(&ms);
		rx_free((struct rx *)p.rx);
		rx_ctx_free(ctx);
	}
	free(text);

	/* many ordinary calls: every one captured, no limit */
	text = repeat("dotenv.config({ path: '.env' });\n", 50000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	{
		struct rx_ctx *ctx = rx_ctx_new();
		struct el_error err = EL_ERROR_INIT;
		struct source_pattern p = {"many", LANG_JS, "config",
		                           compile("dotenv\\.config", NULL), true};

		memset(&ms, 0, sizeof(ms));
		ck_assert_int_eq(source_scan(&ms, ctx, LANG_JS, text, strlen(text), &p, 1, &err),
		                 0);
		ck_assert_msg(since(&t0) < 2.0, "ordinary calls too slow");
		ck_assert_uint_eq(ms.len, 50000);
		ck_assert(!ms.limit_hit);
		ck_assert_str_eq(ms.items[49999].args, "{ path: '.env' }");
		ck_assert_int_eq(ms.items[49999].line, 50000);
		source_matches_free(&ms);
		rx_free((struct rx *)p.rx);
		rx_ctx_free(ctx);
	}
	free(text);
}
END_TEST

static Suite *
source_suite(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_source_lang_of, 0,
	                    (int)(sizeof(lang_cases) / sizeof(lang_cases[0])));
	tcase_add_loop_test(tc, test_source_comment_blanking, 0,
	                    (int)(sizeof(blank_cases) / sizeof(blank_cases[0])));
	tcase_add_test(tc, test_source_prefilter_skip);
	tcase_add_test(tc, test_source_set_prefilter);
	tcase_add_loop_test(tc, test_rx_required_literal, 0,
	                    (int)(sizeof(lit_cases) / sizeof(lit_cases[0])));
	tcase_add_test(tc, test_rx_required_literal_sound);
	tcase_add_test(tc, test_source_pattern_languages);
	tcase_add_test(tc, test_source_groups);
	tcase_add_loop_test(tc, test_source_call_args, 0,
	                    (int)(sizeof(args_cases) / sizeof(args_cases[0])));
	tcase_add_test(tc, test_source_call_args_bounded);
	tcase_add_loop_test(tc, test_source_line_col, 0,
	                    (int)(sizeof(pos_cases) / sizeof(pos_cases[0])));
	tcase_add_test(tc, test_source_limit_hit);
	tcase_add_test(tc, test_source_hostile_bytes);
	tcase_add_test(tc, test_source_linear_on_hostile_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(source_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
