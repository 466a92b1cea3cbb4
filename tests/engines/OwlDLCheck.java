// OWL API 3 and HermiT (both inside owlready2's HermiT.jar) over several RDF graphs in one JVM
// (a JVM start costs 1-2 s). Usage:
//   java -cp HermiT.jar OwlDLCheck.java NAME=GRAPH.nt [NAME=GRAPH.nt ...]
// Each GRAPH.nt (one N-Triples document: an ontology with its data and the vocabularies' axioms,
// merged by the caller so every triple is read with every declaration) is parsed as one ontology
// and checked twice:
//   * OWL2DLProfile: one line "VIOLATION NAME <kind> <text>" per violation;
//   * HermiT (ignoring the datatypes outside the OWL 2 datatype map, xsd:gYear and xsd:date among
//     them: HermiT refuses them otherwise): "CONSISTENT NAME true|false", then, when consistent,
//     "INSTANCE NAME <class> <individual>" for each individual HermiT infers to be a member of a
//     class named by -Dinstances.NAME=IRI,IRI, and, for the graphs named by -Dclassify=NAME,NAME,
//     "UNSATISFIABLE NAME <class IRI>" per unsatisfiable class (classifying FaBiO's and FRBR's
//     classes over the 3,000 individuals of the shipped data takes HermiT ~20 s, so the caller
//     asks for it on the ontology with the vocabularies, and for consistency on the data).
// "AXIOMS NAME <count>" opens each graph's lines; "ERROR NAME <message>" when one cannot be read or
// reasoned over, and the next graph is checked.
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLNamedIndividual;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDLCheck {
    public static void main(String[] args) {
        List<String> classify = List.of(System.getProperty("classify", "").split(","));
        for (String arg : args) {
            String name = arg.substring(0, arg.indexOf('='));
            File file = new File(arg.substring(arg.indexOf('=') + 1));
            try {
                String wanted = System.getProperty("instances." + name, "");
                check(name, file, wanted.isEmpty() ? new String[0] : wanted.split(","), classify.contains(name));
            } catch (Exception | StackOverflowError e) {
                System.out.println("ERROR " + name + " " + oneLine(e.toString()));
            }
            System.out.flush();
        }
    }

    static void check(String name, File file, String[] wanted, boolean classify) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // nothing is fetched: what an owl:imports names must already be in the graph
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration().setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file), config);
        System.out.println("AXIOMS " + name + " " + ontology.getAxiomCount());
        List<String> violations = new ArrayList<>();
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            violations.add("VIOLATION " + name + " " + v.getClass().getSimpleName() + " " + oneLine(v.toString()));
        }
        Collections.sort(violations);
        violations.forEach(System.out::println);

        Configuration configuration = new Configuration();
        configuration.ignoreUnsupportedDatatypes = true;
        Reasoner reasoner = new Reasoner(configuration, ontology);
        boolean consistent = reasoner.isConsistent();
        System.out.println("CONSISTENT " + name + " " + consistent);
        if (!consistent) {
            return;
        }
        for (String iri : wanted) {
            OWLClass cls = manager.getOWLDataFactory().getOWLClass(IRI.create(iri));
            for (OWLNamedIndividual individual : reasoner.getInstances(cls, false).getFlattened()) {
                System.out.println("INSTANCE " + name + " " + iri + " " + individual.getIRI());
            }
        }
        if (classify) {
            for (OWLClass cls : reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
                System.out.println("UNSATISFIABLE " + name + " " + cls.getIRI());
            }
        }
        reasoner.dispose();
    }

    static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
