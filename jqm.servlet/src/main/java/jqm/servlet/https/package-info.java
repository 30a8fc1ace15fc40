/** The HTTPS policy of the node: secrets by reference, and no plain HTTP beside HTTPS unless asked. */
package jqm.servlet.https;
