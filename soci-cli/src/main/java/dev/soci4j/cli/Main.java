package dev.soci4j.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("soci4j");
    }
}
