package io.vrrpd.linux;

/**
 * The kernel refused a netlink request: the request's name, the errno of its NLMSG_ERROR answer, and the
 * kernel's own explanation when it gave one (extended ACK, e.g. "Invalid prefix for given prefix length").
 */
public final class NetlinkException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final String kernelMessage;

    public NetlinkException(final String request, final int errno, final String kernelMessage) {
        super(request, errno, Errno.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : "; kernel: " + kernelMessage));
        this.kernelMessage = kernelMessage == null ? "" : kernelMessage;
    }

    /** The kernel's extended-ACK text, or "" when it sent none. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
