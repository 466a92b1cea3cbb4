// Apache Jena ARQ over many queries and data files in one JVM (a JVM start costs 1-2 s; the
// engine tests run ~50 queries). Usage:
//   java -cp "$(cat jena.classpath)" ArqQueries.java MANIFEST
// MANIFEST is UTF-8 text, one job a line, fields separated by tabs:
//   data  FILE          load FILE (any RDF syntax Jena knows by its extension) as the data the
//                       following `run` lines query
//   parse QUERY OUT     parse QUERY with Jena's strict SPARQL 1.1 syntax
//   run   QUERY OUT     parse it the same way and run it over the data, results to OUT as SPARQL
//                       JSON results
// A query Jena refuses or fails on writes its message to OUT.error instead, and the other jobs
// still run, so a test can name every failing query at once. Exit 1 only when the manifest or a
// data file cannot be read.
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.RDFDataMgr;

public class ArqQueries {
    public static void main(String[] args) throws Exception {
        Model data = null;
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] job = line.split("\t");
            if (job[0].equals("data")) {
                try {
                    data = RDFDataMgr.loadModel(job[1]);
                } catch (RuntimeException e) {
                    System.err.println("Jena cannot read " + job[1] + ": " + e.getMessage());
                    System.exit(1);
                }
                continue;
            }
            String out = job[2];
            try {
                String text = Files.readString(Path.of(job[1]), StandardCharsets.UTF_8);
                Query query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
                if (job[0].equals("run")) {
                    try (QueryExecution exec = QueryExecutionFactory.create(query, data);
                         OutputStream stream = new FileOutputStream(out)) {
                        ResultSetFormatter.outputAsJSON(stream, exec.execSelect());
                    }
                }
            } catch (RuntimeException e) {
                new File(out).delete();
                Files.writeString(Path.of(out + ".error"), String.valueOf(e.getMessage()), StandardCharsets.UTF_8);
            }
        }
    }
}
