package io.upshift.schedule;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;

/**
 * Quartz's JDBC delegate (bytes for BLOB/BYTEA, which PostgreSQL and H2 both give), reading the
 * Java-serialized columns (calendars; job data of rows written before
 * {@code org.quartz.jobStore.useProperties=true}) through a deserialization filter: JDK and Quartz
 * classes only, bounded in depth, references and size. A row planted in the shared database
 * cannot make every replica instantiate a gadget class.
 */
public class FilteredJobStoreDelegate extends PostgreSQLDelegate {

    static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=10000;maxbytes=1048576;maxarray=100000;java.base/*;org.quartz.**;!*");

    @Override
    protected Object getObjectFromBlob(ResultSet rs, String colName) throws ClassNotFoundException, IOException, SQLException {
        return read(rs.getBytes(colName));
    }

    /** A serialized object, if the filter allows it; null for no bytes. */
    static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(FILTER);
            return in.readObject();
        } catch (InvalidClassException refused) {
            throw new IOException("refused to deserialize Quartz data: " + refused.getMessage(), refused);
        }
    }
}
