/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_cmd.h - the debugfs command file of the test modules.
 *
 * Write one command line, read back its answer: "key value" lines, or
 * "error N" when the command failed (the write fails with N too). One
 * command runs at a time, under @lock, and its answer stays until the next
 * command starts. A module defines one with DEFINE_KTEST_CMD() and creates
 * its file with ktest_cmd_create(); its run function answers through
 * ktest_emit().
 */
#ifndef UNMAPPED_KTEST_CMD_H
#define UNMAPPED_KTEST_CMD_H

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/**
 * struct ktest_cmd - one command file.
 * @lock: one command at a time; also taken by anything else of the module
 *	  that reads the state commands change.
 * @max_line: longest command line accepted (-EINVAL above it).
 * @run: runs @line (NUL-terminated, writable) under @lock; 0 or -errno.
 * @buf: the answer, @len bytes of @size.
 */
struct ktest_cmd {
	struct mutex lock;
	size_t max_line;
	int (*run)(char *line);
	char *buf;
	size_t size;
	size_t len;
};

#define DEFINE_KTEST_CMD(_name, _size, _max_line, _run)			\
	static char _name##_buf[_size];					\
	static struct ktest_cmd _name = {				\
		.lock = __MUTEX_INITIALIZER(_name.lock),		\
		.max_line = _max_line,					\
		.run = _run,						\
		.buf = _name##_buf,					\
		.size = _size,						\
	}

/* Append to the answer of the command running now (under @c->lock). */
static inline __printf(2, 3) void ktest_emit(struct ktest_cmd *c,
					      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	c->len += vscnprintf(c->buf + c->len, c->size - c->len, fmt, ap);
	va_end(ap);
}

static inline ssize_t ktest_cmd_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	struct ktest_cmd *c = file->private_data;
	char *line;
	int err;

	if (len > c->max_line)
		return -EINVAL;
	line = memdup_user_nul(ubuf, len);
	if (IS_ERR(line))
		return PTR_ERR(line);
	mutex_lock(&c->lock);
	c->len = 0;
	err = c->run(line);
	if (err) {
		c->len = 0;
		ktest_emit(c, "error %d\n", err);
	}
	mutex_unlock(&c->lock);
	kfree(line);
	return err ?: len;
}

static inline ssize_t ktest_cmd_read(struct file *file, char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct ktest_cmd *c = file->private_data;
	ssize_t ret;

	mutex_lock(&c->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, c->buf, c->len);
	mutex_unlock(&c->lock);
	return ret;
}

static const struct file_operations ktest_cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ktest_cmd_write,
	.read = ktest_cmd_read,
	.llseek = default_llseek,
};

/* The command file @name of @c in @dir, for root (@mode 0600). */
static inline void ktest_cmd_create(const char *name, umode_t mode,
				    struct dentry *dir, struct ktest_cmd *c)
{
	debugfs_create_file(name, mode, dir, c, &ktest_cmd_fops);
}

#endif /* UNMAPPED_KTEST_CMD_H */
