package dev.unmask.data;

import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An image input stream that lets a decoder meet the end of its data only a few times. Some decoders catch
 * the {@link java.io.EOFException} of a read past the end and go on decoding (TwelveMonkeys' WebP bit reader
 * does, one exception per symbol), so a truncated file declaring millions of pixels keeps them busy for
 * minutes; after {@value #MAX_END_READS} reads at the end this stream throws an {@link IIOException}
 * instead, which they do not catch, and the decode fails as truncated. Decoders of complete files meet the
 * end a few times (a lossless WebP's bit reader reads ahead: 8 to 23 times measured). The wrapped stream
 * stays its owner's to close.
 */
final class EndGuardedImageInputStream extends ImageInputStreamImpl {
    /** Reads at the end of the data a decode may make before it is stopped. */
    static final int MAX_END_READS = 256;

    private final ImageInputStream in;
    private int endReads;

    EndGuardedImageInputStream(ImageInputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        int b = in.read();
        if (b < 0) {
            return end();
        }
        streamPos++;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            return end();
        }
        streamPos += n;
        return n;
    }

    @Override
    public void seek(long pos) throws IOException {
        super.seek(pos);
        in.seek(pos);
    }

    @Override
    public void flushBefore(long pos) throws IOException {
        super.flushBefore(pos);
        in.flushBefore(pos);
    }

    @Override
    public long length() {
        try {
            return in.length();
        } catch (IOException e) {
            return -1;
        }
    }

    private int end() throws IIOException {
        if (++endReads > MAX_END_READS) {
            throw new IIOException("the decoder read past the end of the data " + MAX_END_READS + " times");
        }
        return -1;
    }

    /** Reads at the end of the data so far. */
    int endReads() {
        return endReads;
    }
}
