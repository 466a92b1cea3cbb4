// Apache Jena SHACL over many data graphs in one JVM (a JVM start costs 1-2 s; the shape tests
// compare ~60 graphs). Usage:
//   java -cp "$(cat jena.classpath)" JenaShacl.java SHAPES_DIR DATA.nt...
// All *.ttl of SHAPES_DIR form one shapes graph, parsed once; each DATA.nt is validated on its
// own and its report is written beside it as DATA.nt.report.nt (N-Triples). Exit 1 on the first
// file Jena refuses, naming it.
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.Arrays;

import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.sparql.graph.GraphFactory;

public class JenaShacl {
    public static void main(String[] args) throws Exception {
        File[] shapeFiles = new File(args[0]).listFiles((dir, name) -> name.endsWith(".ttl"));
        Arrays.sort(shapeFiles);
        Graph shapesGraph = GraphFactory.createDefaultGraph();
        for (File f : shapeFiles) {
            RDFDataMgr.read(shapesGraph, f.getPath());
        }
        Shapes shapes;
        try {
            shapes = Shapes.parse(shapesGraph);
        } catch (RuntimeException e) {
            System.err.println("Jena refuses the shapes of " + args[0] + ": " + e);
            System.exit(1);
            return;
        }
        for (int i = 1; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            ValidationReport report;
            try {
                report = ShaclValidator.get().validate(shapes, data);
            } catch (RuntimeException e) {
                System.err.println("Jena fails on " + args[i] + ": " + e);
                System.exit(1);
                return;
            }
            try (OutputStream out = new FileOutputStream(args[i] + ".report.nt")) {
                RDFDataMgr.write(out, report.getModel(), Lang.NTRIPLES);
            }
        }
    }
}
