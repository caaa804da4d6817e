package dev.unmask.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors images byte by byte, without the writer under test. */
final class SafetensorsTestFiles {
    private SafetensorsTestFiles() {
    }

    /** An 8-byte little-endian header length, the UTF-8 header, then {@code dataBytes} zero bytes. */
    static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    /** An 8-byte little-endian header length, the raw header bytes, then {@code dataBytes} zero bytes. */
    static byte[] file(byte[] header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(lengthPrefix(header.length));
        out.writeBytes(header);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** The 8-byte little-endian encoding of {@code value}, read by the format as unsigned. */
    static byte[] lengthPrefix(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    /** A header entry as JSON text: {@code "name":{"dtype":...,"shape":[...],"data_offsets":[b,e]}}. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }
}
