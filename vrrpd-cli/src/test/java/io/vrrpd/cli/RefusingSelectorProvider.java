package io.vrrpd.cli;

import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * A selector provider that cannot be made: {@link VrrpadmLeanPathTest} offers it as a service on a child JVM's class
 * path, where only a search for providers ({@code ServiceLoader}) would find it and fail.
 */
public final class RefusingSelectorProvider extends SelectorProvider {

    public RefusingSelectorProvider() {
        throw new IllegalStateException("vrrpadm searched the class path for a selector provider");
    }

    @Override
    public DatagramChannel openDatagramChannel() {
        throw new UnsupportedOperationException();
    }

    @Override
    public DatagramChannel openDatagramChannel(final ProtocolFamily family) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Pipe openPipe() {
        throw new UnsupportedOperationException();
    }

    @Override
    public AbstractSelector openSelector() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SocketChannel openSocketChannel() {
        throw new UnsupportedOperationException();
    }
}
