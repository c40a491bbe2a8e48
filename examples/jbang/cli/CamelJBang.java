/**
 * The "camel" command of Camel JBang, started from camel-jbang-core's main class as camel-jbang-main's launcher does
 * (camel-jbang-main and JBang are not needed). Run by ../camel as a single-file program.
 */
public class CamelJBang {
    public static void main(String... args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
