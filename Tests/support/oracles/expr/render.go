package main

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// render prints a result unambiguously and without addresses: strings quoted,
// floats in their shortest form, pointers as & and their target, structs by type.
func render(v interface{}) string {
	if v == nil {
		return "nil"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return strconv.Quote(rv.String())
	case reflect.Float32:
		return strconv.FormatFloat(rv.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'g', -1, 64)
	case reflect.Slice:
		if rv.IsNil() {
			return "nil"
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = render(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + ": " + render(rv.MapIndex(reflect.ValueOf(k)).Interface())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Ptr:
		if rv.IsNil() {
			return "nil"
		}
		if rv.Elem().Kind() == reflect.Struct {
			return "&" + rv.Elem().Type().String()
		}
		return "&" + render(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}
