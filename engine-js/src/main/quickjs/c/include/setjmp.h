/* dtoa.c includes <setjmp.h> and uses nothing from it; wasi-libc ships none. */
