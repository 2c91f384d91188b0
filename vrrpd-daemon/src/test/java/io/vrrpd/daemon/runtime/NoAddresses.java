package io.vrrpd.daemon.runtime;

/** The kernel side of a router whose addresses need nothing in a test: nothing is plumbed or announced. */
final class NoAddresses implements RouterInstance.Addresses {
    @Override
    public void up() {
    }

    @Override
    public void down() {
    }

    @Override
    public int announce() {
        return 0;
    }

    @Override
    public String vnic() {
        return "vr4-51-2";
    }
}
